// Minimal types for the ml.js packages that ship none (only what the tests use).
declare module 'ml-cart' {
  export interface CartOptions {
    gainFunction?: string;
    splitFunction?: string;
    minNumSamples?: number;
    maxDepth?: number;
    gainThreshold?: number;
  }
  export class DecisionTreeClassifier {
    constructor(options?: CartOptions);
    options: CartOptions & { kind: string };
    root?: unknown;
    train(x: number[][], y: number[]): void;
    predict(x: number[][]): number[];
  }
  export class DecisionTreeRegression {
    constructor(options?: CartOptions);
    options: CartOptions & { kind: string };
    root?: unknown;
    train(x: number[][] | number[], y: number[]): void;
    predict(x: number[][] | number[]): number[];
  }
}

declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';
  export default class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    numSteps: number;
    learningRate: number;
    numberClasses: number;
    classifiers: unknown[];
    train(x: Matrix, y: Matrix): void;
    predict(x: Matrix): number[];
  }
}
