// The run filter language of the Runs view:
//   metrics.accuracy > 0.8 and params.max_depth = 5 and status = finished and name like 'tree%'
// Conditions are joined with `and`; fields are metrics.<name>, params.<name>, tags.<name>, status,
// name, starred, started (a date or date-time), ended. Names with other characters go in backticks:
// metrics.`val acc`. Values are numbers, 'quoted' or "quoted" strings, or bare words.

export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'like' | 'not like';
export type Field =
  | { kind: 'metric' | 'param' | 'tag'; name: string }
  | { kind: 'status' | 'name' | 'starred' | 'started' | 'ended' };
export interface Condition { field: Field; op: Operator; value: string | number }
export interface RunQuery { conditions: Condition[]; text: string }

export class QueryError extends Error {
  constructor(message: string, readonly position: number) {
    super(message);
  }
}

type Token = { type: 'word' | 'string' | 'number' | 'op' | 'dot' | 'quotedName'; text: string; pos: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      let out = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        out += text[j++];
      }
      if (j >= text.length) throw new QueryError(`the ${c === '`' ? 'name' : 'string'} starting at column ${start + 1} has no closing ${c}`, start);
      tokens.push({ type: c === '`' ? 'quotedName' : 'string', text: out, pos: start });
      i = j + 1;
      continue;
    }
    const op = /^(<=|>=|!=|<>|==|=|<|>)/.exec(text.slice(i));
    if (op) {
      tokens.push({ type: 'op', text: op[1] === '<>' ? '!=' : op[1] === '==' ? '=' : op[1], pos: start });
      i += op[1].length;
      continue;
    }
    if (c === '.') { tokens.push({ type: 'dot', text: '.', pos: start }); i++; continue; }
    const num = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w:-])/.exec(text.slice(i));
    if (num && (tokens.length === 0 || tokens[tokens.length - 1].type === 'op')) {
      tokens.push({ type: 'number', text: num[0], pos: start });
      i += num[0].length;
      continue;
    }
    const word = /^[^\s"'`<>=!.]+/.exec(text.slice(i));
    if (!word) throw new QueryError(`unexpected "${c}" at column ${start + 1}`, start);
    tokens.push({ type: 'word', text: word[0], pos: start });
    i += word[0].length;
  }
  return tokens;
}

const FIELDS = 'metrics.<name>, params.<name>, tags.<name>, status, name, starred, started, ended';

/** Parses a filter. An empty text is the empty filter. Throws QueryError with a message that says what is wrong. */
export function parseQuery(text: string): RunQuery {
  const tokens = tokenize(text);
  const conditions: Condition[] = [];
  let i = 0;
  const peek = () => tokens[i];
  const need = (what: string): Token => {
    const t = tokens[i++];
    if (!t) throw new QueryError(`the filter ends where ${what} was expected`, text.length);
    return t;
  };
  while (i < tokens.length) {
    if (conditions.length > 0) {
      const t = need('"and"');
      if (t.type !== 'word' || t.text.toLowerCase() !== 'and') {
        if (t.type === 'word' && t.text.toLowerCase() === 'or') throw new QueryError(`"or" is not supported (column ${t.pos + 1}): join conditions with "and", or run two filters`, t.pos);
        throw new QueryError(`expected "and" at column ${t.pos + 1}, found "${t.text}"`, t.pos);
      }
    }
    // field
    const f = need(`a field (${FIELDS})`);
    if (f.type !== 'word') throw new QueryError(`expected a field at column ${f.pos + 1} (${FIELDS}), found "${f.text}"`, f.pos);
    const head = f.text.toLowerCase();
    let field: Field;
    if (head === 'metrics' || head === 'params' || head === 'tags' || head === 'metric' || head === 'param' || head === 'tag') {
      const dot = need('"."');
      if (dot.type !== 'dot') throw new QueryError(`expected "." after "${f.text}" at column ${dot.pos + 1}, as in ${head}.accuracy`, dot.pos);
      const name = need('a name');
      if (name.type !== 'word' && name.type !== 'quotedName' && name.type !== 'number') throw new QueryError(`expected a name after "${f.text}." at column ${name.pos + 1}`, name.pos);
      let full = name.text;
      // Dotted names (params.optimizer.beta1) continue with more ".part"s.
      while (peek()?.type === 'dot' && tokens[i + 1] && (tokens[i + 1].type === 'word' || tokens[i + 1].type === 'number')) {
        full += '.' + tokens[i + 1].text;
        i += 2;
      }
      field = { kind: head.startsWith('metric') ? 'metric' : head.startsWith('param') ? 'param' : 'tag', name: full };
    } else if (head === 'status' || head === 'name' || head === 'starred' || head === 'started' || head === 'ended') {
      field = { kind: head };
    } else if (head === 'start' || head === 'start_time' || head === 'date' || head === 'end' || head === 'end_time') {
      field = { kind: head.startsWith('end') ? 'ended' : 'started' };
    } else {
      throw new QueryError(`unknown field "${f.text}" at column ${f.pos + 1}: use ${FIELDS}`, f.pos);
    }
    // operator
    const o = need('an operator (=, !=, <, <=, >, >=, like)');
    let op: Operator;
    if (o.type === 'op') op = o.text as Operator;
    else if (o.type === 'word' && o.text.toLowerCase() === 'like') op = 'like';
    else if (o.type === 'word' && o.text.toLowerCase() === 'not' && peek()?.text.toLowerCase() === 'like') { i++; op = 'not like'; }
    else throw new QueryError(`expected an operator (=, !=, <, <=, >, >=, like) at column ${o.pos + 1}, found "${o.text}"`, o.pos);
    // value
    const v = need('a value');
    if (v.type === 'op' || v.type === 'dot') throw new QueryError(`expected a value at column ${v.pos + 1}, found "${v.text}"`, v.pos);
    let value: string | number = v.type === 'number' ? Number(v.text) : v.text;
    // A bare word value can contain dots (status = finished, params.model = v1.2): glue them back.
    while (v.type === 'word' && peek()?.type === 'dot' && tokens[i + 1]?.type === 'word') {
      value = `${value}.${tokens[i + 1].text}`;
      i += 2;
    }
    if (field.kind === 'metric' && typeof value !== 'number' && !/^-?(nan|inf(inity)?)$/i.test(String(value))) {
      throw new QueryError(`metrics.${field.name} is compared with a number; "${value}" is not one`, v.pos);
    }
    if (field.kind === 'status' && !['running', 'finished', 'failed', 'killed'].includes(String(value).toLowerCase()) && op !== 'like' && op !== 'not like') {
      throw new QueryError(`status is one of running, finished, failed, killed; not "${value}"`, v.pos);
    }
    if ((field.kind === 'started' || field.kind === 'ended') && Number.isNaN(toTime(value))) {
      throw new QueryError(`${field.kind} is compared with a date such as 2024-05-31 or 2024-05-31T14:00; "${value}" is not one`, v.pos);
    }
    if ((op === 'like' || op === 'not like') && field.kind === 'metric') throw new QueryError('"like" compares text; use =, <, > with metrics', o.pos);
    conditions.push({ field, op, value });
  }
  return { conditions, text: text.trim() };
}

/** Dates in filters: an ISO date or date-time (local time), or epoch milliseconds. */
export function toTime(value: string | number): number {
  if (typeof value === 'number') return value;
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(value)) return NaN;
  const t = new Date(value.length === 10 ? `${value}T00:00` : value.replace(' ', 'T')).getTime();
  return t;
}

/** How a metric is best read: a loss or an error is minimised, anything else maximised. */
export function guessDirection(metric: string): 'max' | 'min' {
  return /loss|error|err\b|rmse|mse|mae|mape|perplexity|latency|time|cost/i.test(metric) ? 'min' : 'max';
}
