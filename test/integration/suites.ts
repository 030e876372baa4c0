// The integration suites, bundled into out/test/integration/index.js. Add one import per
// test/integration/*.test.ts file (index.ts imports this file after setting up mocha's tdd globals).
import './activation.test';
import './explorer.test';
import './runPanel.test';
import './mlflow.test';
import './compare.test';
