"""Log machine-learning runs from Python into the MLOps event log (``.mlops/runs/``).

The VS Code extension "MLOps Experiment Tracking" reads these logs into its run explorer. This module
is one file, standard library only, Python 3.8 or later: copy it next to your training script.

    import mlops_tracking

    ctx = mlops_tracking.open('.')                      # the workspace folder
    with ctx.start_run('Titanic') as run:               # ends "finished", or "failed" on an exception
        run.log_data('data/train.csv')                  # columns, types, rows, nulls, SHA-256
        run.log_data_distribution('data/train.csv', 'Age')
        run.log_hyper_parameters(model)                 # a dict, or a scikit-learn estimator
        for epoch in range(10):
            run.log_metric('loss', loss)                # steps count 0, 1, 2, ... per metric
        run.log_metric('accuracy', 0.81)
        run.log_confusion_matrix(actual=y_test, predicted=y_pred)

Every method checks its input first and raises MLOpsError (a ValueError) naming the input and what to
do; nothing is written then. Each call appends its events with one write() on a file opened with
O_APPEND, so threads and processes may log to the same run at once. The format is documented in
docs/event-log.md of the extension.
"""

import codecs
import csv
import datetime as _dt
import enum
import functools
import hashlib
import io
import json
import math
import numbers
import os
import re
import subprocess
import sys
import threading
import time
import types
import unicodedata
import uuid

__version__ = '0.1.0'

__all__ = [
    'open', 'MLOpsContext', 'Run', 'Experiment', 'MLOpsError', 'extract_hyper_parameters', 'profile_file',
    'EVENT_FORMAT_VERSION', 'LIMITS',
    # module-level functions on the default context (the current directory)
    'create_experiment', 'create_run', 'start_run', 'end_run', 'set_training_time', 'log_hyper_parameters',
    'log_hyper_parameter', 'log_metric', 'log_metrics', 'log_confusion_matrix', 'log_data',
    'log_data_distribution', 'tag', 'note',
]

EVENT_FORMAT_VERSION = 1

#: Bounds on user-given text (lengths in UTF-16 code units, as JavaScript counts them).
LIMITS = {'name': 256, 'key': 250, 'value': 8000, 'note': 50000, 'labels': 1000}

MLOPS_DIR = '.mlops'
RUNS_DIR = 'runs'
EXPERIMENT_FILE = 'experiment.jsonl'

END_STATUSES = ('finished', 'failed', 'killed')
MAX_SAFE_INTEGER = 2 ** 53 - 1
_RUN_ID = re.compile(r'[0-9A-Za-z_-]{1,64}')

_builtin_open = io.open


class MLOpsError(ValueError):
    """Bad input: the message names the input and what to do. Nothing was written."""


# ------------------------------------------------------------------------------------------ text rules

def _js_len(s):
    """Length in UTF-16 code units (JavaScript's String.length), the unit of LIMITS."""
    n = len(s)
    if n and max(s) > '\uffff':
        n += sum(1 for c in s if c > '\uffff')
    return n


# JavaScript's String.prototype.trim(): WhiteSpace and LineTerminator code points.
_JS_SPACE = '\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a' \
            '\u2028\u2029\u202f\u205f\u3000\ufeff'


def _js_trim(s):
    return s.strip(_JS_SPACE)


def _short(s, n=40):
    return s if len(s) <= n else s[:n] + '...'


def _check_utf8(what, text):
    try:
        text.encode('utf-8')
    except UnicodeEncodeError as err:
        raise MLOpsError('{} cannot be written as UTF-8: it holds an unpaired surrogate at index {}. Decode your '
                         'text properly (e.g. with errors="replace") before logging it.'.format(what, err.start)) from None


def _check_name(what, name, limit=LIMITS['name']):
    if not isinstance(name, str) or _js_trim(name) == '':
        raise MLOpsError('{} must be a non-empty string; got {!r}.'.format(what, name))
    n = _js_len(name)
    if n > limit:
        raise MLOpsError('{} "{}" is {} characters long; use at most {}.'.format(what, _short(name), n, limit))
    _check_utf8(what, name)
    return name


def _check_text(what, text, limit):
    if not isinstance(text, str):
        raise MLOpsError('{} must be a string; got {!r}. Convert it with str() first.'.format(what, text))
    n = _js_len(text)
    if n > limit:
        raise MLOpsError('{} is {} characters long; use at most {}.'.format(what, n, limit))
    _check_utf8(what, text)
    return text


# ------------------------------------------------------------------------------------------ ids and layout

def experiment_id_for(name):
    """First 16 hex digits of SHA-256 of the trimmed, NFC-normalized name: every process agrees."""
    key = unicodedata.normalize('NFC', _js_trim(name))
    return hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]


def new_run_id():
    """32 random hex digits."""
    return uuid.uuid4().hex


def experiment_dir_name(name, experiment_id):
    """A folder name for an experiment: a readable slug of the name plus the id's first 8 hex digits."""
    slug = unicodedata.normalize('NFKD', name)
    slug = re.sub(r'[^A-Za-z0-9._-]+', '-', slug)
    slug = re.sub(r'^[-.]+|[-.]+\Z', '', slug)[:60] or 'experiment'
    return '{}-{}'.format(slug, experiment_id[:8])


def _now_ms():
    return time.time_ns() // 1000000


# ------------------------------------------------------------------------------------------ numbers

def _encode_number(x):
    """A metric value as written: a JSON number, or "NaN" / "Infinity" / "-Infinity"."""
    if isinstance(x, int):
        return x
    if math.isnan(x):
        return 'NaN'
    if math.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    return x


def _as_number(x):
    """int or float for real numbers (numpy scalars and one-element tensors included), else None."""
    if isinstance(x, bool):
        return None
    if isinstance(x, numbers.Integral):
        return int(x)
    if isinstance(x, numbers.Real):
        return float(x)
    item = getattr(x, 'item', None)
    if callable(item) and not isinstance(x, (str, bytes)):
        try:
            v = item()
        except Exception:  # not a scalar
            return None
        if v is not x:
            return _as_number(v)
    return None


def _js_number_str(x):
    """JavaScript's String(number), for numbers shown as text (the values of a categorical distribution)."""
    if x != x:
        return 'NaN'
    if math.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    if x == 0:
        return '0'
    if float(x).is_integer() and abs(x) <= MAX_SAFE_INTEGER:
        return str(int(x))
    # Python's repr and JavaScript both give the shortest digits that round-trip; only the layout differs.
    mant, _, exp = repr(float(abs(x))).partition('e')
    ip, _, fp = mant.partition('.')
    digits = ip + fp
    lead = len(digits) - len(digits.lstrip('0'))
    digits = digits[lead:].rstrip('0')
    n = len(ip) + (int(exp) if exp else 0) - lead  # value = 0.<digits> x 10^n
    k = len(digits)
    if k <= n <= 21:
        out = digits + '0' * (n - k)
    elif 0 < n <= 21:
        out = digits[:n] + '.' + digits[n:]
    elif -6 < n <= 0:
        out = '0.' + '0' * (-n) + digits
    else:
        e = n - 1
        out = digits[0] + ('.' + digits[1:] if k > 1 else '') + 'e' + ('+' if e >= 0 else '-') + str(abs(e))
    return ('-' if x < 0 else '') + out


def _json_number(x):
    """A float as JSON.stringify would write it: integral values as integers, non-finite as null."""
    if isinstance(x, float):
        if not math.isfinite(x):
            return None
        if x.is_integer() and abs(x) <= MAX_SAFE_INTEGER:
            return int(x)
    return x


# ------------------------------------------------------------------------------------------ writing

def _serialize(events):
    try:
        text = ''.join(json.dumps(e, ensure_ascii=False, separators=(',', ':'), allow_nan=False) + '\n' for e in events)
        return text.encode('utf-8')
    except UnicodeEncodeError as err:
        bad = err.object[max(0, err.start - 20):err.end + 20]
        raise MLOpsError('A text value cannot be written as UTF-8: it holds an unpaired surrogate near {!r}. '
                         'Decode your text properly (e.g. with errors="replace") before logging it.'.format(bad))
    except ValueError as err:
        raise MLOpsError('A value cannot be written as JSON ({}). Log finite numbers, strings, booleans or None.'.format(err))


def _append(path, data):
    """One write() on an O_APPEND descriptor: the batch lands whole, never inside another writer's line."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, 'O_BINARY', 0)
    fd = os.open(path, flags, 0o644)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------------------ git

def _git_info(cwd):
    def git(*args):
        out = subprocess.run(('git',) + args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=5, check=True)
        return out.stdout.decode('utf-8', 'replace').strip()
    try:
        commit = git('rev-parse', 'HEAD')
        branch = git('rev-parse', '--abbrev-ref', 'HEAD')
        # .mlops/ is excluded: logging runs must not make the tree "dirty".
        dirty = git('status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude).mlops') != ''
    except (OSError, subprocess.SubprocessError):
        return None
    info = {'commit': commit}
    if branch and branch != 'HEAD':  # HEAD = detached
        info['branch'] = branch
    info['dirty'] = dirty
    return info


# ------------------------------------------------------------------------------------------ hyper-parameters

MAX_PARAMS = 1000
_ALGORITHM_FIELDS = ('algorithm', 'name', 'type')


def _is_estimator(x):
    return not isinstance(x, type) and callable(getattr(x, 'get_params', None))


def _is_configurable(x):
    return not isinstance(x, type) and callable(getattr(x, 'get_config', None)) and not isinstance(x, dict)


def _is_torch_optimizer(x):
    return not isinstance(x, type) and isinstance(getattr(x, 'defaults', None), dict) and hasattr(x, 'param_groups')


def _is_record(x):
    """Objects that are settings, walked like dicts: dataclasses, namedtuples, argparse/SimpleNamespace."""
    if isinstance(x, type):
        return False
    if hasattr(x, '__dataclass_fields__'):
        return True
    if isinstance(x, tuple) and hasattr(x, '_fields'):
        return True
    return type(x).__name__ in ('Namespace', 'SimpleNamespace') and hasattr(x, '__dict__')


def _record_items(x):
    if hasattr(x, '__dataclass_fields__'):
        return [(k, getattr(x, k, None)) for k in x.__dataclass_fields__]
    if isinstance(x, tuple):
        return list(zip(x._fields, x))
    return list(vars(x).items())


def _is_array(x):
    return not isinstance(x, type) and hasattr(x, 'shape') and hasattr(x, 'dtype') and callable(getattr(x, 'tolist', None))


def _serialized_class(x):
    """Keras' {"class_name": ..., "config": {...}} (TF.js spells it className)."""
    if isinstance(x, dict) and isinstance(x.get('config'), dict):
        for k in ('class_name', 'className'):
            if isinstance(x.get(k), str):
                return k
    return None


class _Collector:
    def __init__(self):
        self.entries = {}
        self._path = []
        self._keys = []

    def emit(self, key, value):
        if key == '':
            raise MLOpsError('A parameter has an empty name: give every setting a name.')
        if _js_len(key) > LIMITS['key']:
            raise MLOpsError('The parameter name "{}" is longer than {} characters: shorten it or nest less deeply.'
                             .format(_short(key, 60), LIMITS['key']))
        if isinstance(value, str) and _js_len(value) > LIMITS['value']:
            raise MLOpsError('The parameter "{}" is {} characters long, more than {}: leave it out of the logged '
                             'parameters (log large values as a file or tag).'.format(_short(key, 60), _js_len(value), LIMITS['value']))
        if key in self.entries:
            raise MLOpsError('The parameter "{}" is given twice (a dotted name and a nested object give the same '
                             'name): rename one.'.format(_short(key, 60)))
        if len(self.entries) >= MAX_PARAMS:
            raise MLOpsError('The trainer has more than {} parameters (the next is "{}"): log a dict with the '
                             'settings that matter instead.'.format(MAX_PARAMS, _short(key, 60)))
        self.entries[key] = value

    def within(self, o, key, f):
        for i, p in enumerate(self._path):
            if p is o:
                target = 'the trainer itself' if self._keys[i] == '' else '"{}"'.format(_short(self._keys[i], 60))
                raise MLOpsError('The parameter "{}" refers back to {}: the settings contain a cycle; remove it.'
                                 .format(_short(key, 60), target))
        if _js_len(key) > LIMITS['key']:
            raise MLOpsError('The parameter name "{}" is longer than {} characters: shorten it or nest less deeply.'
                             .format(_short(key, 60), LIMITS['key']))
        self._path.append(o)
        self._keys.append(key)
        try:
            f()
        finally:
            self._path.pop()
            self._keys.pop()

    def value(self, v, key, instance_field=False):
        if v is None:
            return self.emit(key, None)
        if isinstance(v, bool):
            return self.emit(key, v)
        if isinstance(v, str):
            return self.emit(key, v)
        if isinstance(v, enum.Enum):
            inner = v.value
            return self.value(inner if isinstance(inner, (str, int, float, bool)) else v.name, key)
        if isinstance(v, numbers.Integral):
            n = int(v)
            return self.emit(key, n if abs(n) <= MAX_SAFE_INTEGER else str(n))
        if isinstance(v, numbers.Real):
            return self.emit(key, _encode_number(float(v)))
        if isinstance(v, (_dt.datetime, _dt.date, _dt.time)):
            return self.emit(key, v.isoformat())
        if isinstance(v, (bytes, bytearray, memoryview)):
            return None  # buffers: learned state
        if _is_array(v):
            if getattr(v, 'shape', None) == ():
                return self.value(v.item(), key)
            if instance_field:
                return None  # weights and other learned arrays
            return self.sequence(v.tolist(), key)
        if isinstance(v, type) or callable(v) and not (_is_estimator(v) or _is_configurable(v)):
            return None  # classes and functions are behaviour, not settings
        if _is_estimator(v):
            return self.estimator(v, key)
        if _is_configurable(v):
            return self.configurable(v, key)
        if isinstance(v, dict):
            if _serialized_class(v):
                return self.serialized_class(v, key)
            return self.mapping(v, key)
        if _is_record(v):
            return self.mapping(_record_items(v), key, v)
        if isinstance(v, (list, tuple)):
            return self.sequence(v, key)
        if isinstance(v, (set, frozenset)):
            try:
                return self.sequence(sorted(v), key)
            except TypeError:
                return self.sequence(sorted(v, key=repr), key)
        # Any other object inside a trainer (a tree, a matrix, a random state...) is learned state.
        return None

    def mapping(self, items, prefix, owner=None, skip=()):
        if isinstance(items, dict):
            owner = items if owner is None else owner
            items = list(items.items())

        def walk():
            for k, v in items:
                k = str(k)
                if k not in skip:
                    self.value(v, k if prefix == '' else prefix + '.' + k)
        self.within(owner, prefix, walk)

    def estimator(self, est, key):
        name = type(est).__name__
        params = _get_params(est, key)
        if key != '':
            self.emit(key, name)
        self.mapping(params, key, est)

    def configurable(self, o, key):
        name = type(o).__name__
        cfg = _get_config(o, key)

        def walk():
            if key != '':
                self.emit(key, name)
            self.value(cfg, key)
        self.within(o, key, walk)

    def serialized_class(self, o, key):
        ck = _serialized_class(o)
        self.emit('className' if key == '' else key, o[ck])

        def walk():
            self.mapping(o['config'], key)
            for k, v in o.items():
                sub = k if key == '' else key + '.' + k
                if k not in (ck, 'config') and sub not in self.entries:
                    self.value(v, sub)
        self.within(o, key, walk)

    def sequence(self, a, key):
        def walk():
            named = _named_steps(a)
            if named is not None:
                # scikit-learn's [(name, estimator), ...] (Pipeline.steps, ColumnTransformer.transformers)
                for step in named:
                    sub = key + '.' + step[0]
                    self.value(step[1], sub)
                    if len(step) == 3:
                        self.value(_list_value(step[2]), sub + '.columns')
            elif any(_is_estimator(e) or _is_configurable(e) or (isinstance(e, dict) and e) or _is_record(e) for e in a):
                for i, e in enumerate(a):
                    self.value(e, key + '.' + str(i))
            elif all(self._is_json_data(e, key + '.' + str(i)) for i, e in enumerate(a)):
                self.emit(key, json.dumps(_json_data(a), ensure_ascii=False, separators=(',', ':'), allow_nan=False))
            # else: a list of other objects (fitted estimators, arrays of trees): learned state
        self.within(a, key, walk)

    def _is_json_data(self, x, key):
        if x is None or isinstance(x, (str, bool, numbers.Real)):
            return True
        if _is_array(x):
            return True
        if isinstance(x, (list, tuple, dict)):
            ok = [True]

            def walk():
                vals = x.values() if isinstance(x, dict) else x
                ok[0] = all(self._is_json_data(e, key + '.' + str(i)) for i, e in enumerate(vals))
            self.within(x, key, walk)
            return ok[0]
        return False


def _list_value(x):
    if _is_array(x):
        return x.tolist()
    if isinstance(x, (str, int, float, bool)) or x is None:
        return x
    if isinstance(x, (list, tuple)):
        return list(x)
    if callable(x):
        return type(x).__name__  # a column selector
    return str(x)


def _named_steps(a):
    if not a or not all(isinstance(e, tuple) and len(e) in (2, 3) and isinstance(e[0], str) for e in a):
        return None
    if not all(_is_estimator(e[1]) or isinstance(e[1], str) or e[1] is None for e in a):
        return None
    return a


def _json_data(x):
    if isinstance(x, bool) or x is None or isinstance(x, str):
        return x
    if isinstance(x, numbers.Integral):
        n = int(x)
        return n if abs(n) <= MAX_SAFE_INTEGER else str(n)
    if isinstance(x, numbers.Real):
        return _encode_number(float(x))
    if _is_array(x):
        return _json_data(x.tolist())
    if isinstance(x, dict):
        return {str(k): _json_data(v) for k, v in x.items()}
    return [_json_data(e) for e in x]


def _get_params(est, key):
    try:
        params = est.get_params(deep=False)
    except TypeError:
        params = est.get_params()
    except Exception as err:
        who = 'the trainer' if key == '' else 'the parameter "{}"'.format(_short(key, 60))
        raise MLOpsError('get_params() of {} failed ({}): pass a dict of settings instead.'.format(who, err))
    if not isinstance(params, dict):
        raise MLOpsError('get_params() of {} returned {}, not a dict: pass a dict of settings instead.'
                         .format(type(est).__name__, type(params).__name__))
    return params


def _get_config(o, key):
    try:
        return o.get_config()
    except Exception as err:
        who = 'the trainer' if key == '' else 'the parameter "{}"'.format(_short(key, 60))
        raise MLOpsError('get_config() of {} failed ({}): build the model first, or pass a dict of settings.'.format(who, err))


def _names_of(x):
    """Losses and metrics may be names, functions or lists/dicts of them: keep the names."""
    if x is None:
        return None
    if isinstance(x, str):
        return x
    if isinstance(x, (list, tuple)):
        return [_names_of(e) for e in x]
    if isinstance(x, dict):
        return {str(k): _names_of(v) for k, v in x.items()}
    return getattr(x, '__name__', None) or getattr(x, 'name', None) or type(x).__name__


def extract_hyper_parameters(trainer):
    """Reads (algorithm, params) from a trainer, with the TypeScript SDK's naming rules.

    - dict (and dataclass, namedtuple, argparse Namespace): every setting, nested ones with dotted
      names; the algorithm is its "algorithm", "name" or "type" string (first found, then not repeated
      as a parameter), else "unknown" (for dataclasses and namedtuples: the class name);
    - scikit-learn estimators (anything with get_params()): algorithm = the class name, params =
      get_params(deep=False); a nested estimator gives its class name at its key and its parameters
      below it (``estimator`` = "DecisionTreeClassifier", ``estimator.max_depth`` = 3); Pipeline steps
      are named by step (``steps.scaler`` = "StandardScaler", ``steps.scaler.with_mean`` = true);
    - Keras models and optimizers (get_config()), PyTorch optimizers (``defaults``): like the TS SDK's
      TensorFlow.js support (``optimizer`` = "Adam", ``optimizer.lr`` = 0.001);
    - any other object: its public attributes (no leading ``_``, no trailing ``_``: scikit-learn's mark
      of learned state), with an ``options`` dict lifted to the top.
    Lists of scalars are kept whole as a JSON string ("[64,32]"); NaN/inf become "NaN"/"Infinity"/"-Infinity";
    functions, classes, arrays held by objects and other nested objects (learned state) are left out.
    """
    if isinstance(trainer, (type, types.FunctionType, types.BuiltinFunctionType, types.MethodType, functools.partial)):
        n = getattr(trainer, '__name__', 'a class')
        raise MLOpsError('Got the class or function {} itself: pass an instance (e.g. {}(...)) or a dict of settings.'.format(n, n))
    if trainer is None or isinstance(trainer, (str, bytes, numbers.Number, list, set)) or \
            (isinstance(trainer, tuple) and not _is_record(trainer)):
        raise MLOpsError('A trainer must be a dict of settings or a model object (scikit-learn estimator, Keras '
                         'model, PyTorch optimizer...); got {}.'.format(type(trainer).__name__))
    c = _Collector()
    if _is_estimator(trainer):
        algorithm = type(trainer).__name__
        c.mapping(_get_params(trainer, ''), '', trainer)
    elif _is_torch_optimizer(trainer):
        algorithm = type(trainer).__name__
        c.within(trainer, '', lambda: (c.emit('optimizer', algorithm), c.mapping(trainer.defaults, 'optimizer')))
    elif _is_configurable(trainer):
        algorithm = _from_configurable(trainer, c)
    elif isinstance(trainer, dict) or type(trainer).__name__ in ('Namespace', 'SimpleNamespace'):
        items = trainer if isinstance(trainer, dict) else vars(trainer)
        field = next((f for f in _ALGORITHM_FIELDS if isinstance(items.get(f), str) and items.get(f) != ''), None)
        c.mapping(dict(items), '', trainer, skip=(field,) if field else ())
        algorithm = items[field] if field else 'unknown'
    elif _is_record(trainer):
        algorithm = type(trainer).__name__
        c.mapping(_record_items(trainer), '', trainer)
    else:
        algorithm = type(trainer).__name__
        _from_instance(trainer, c)
    if not isinstance(algorithm, str) or algorithm == '':
        algorithm = 'unknown'
    if _js_len(algorithm) > LIMITS['name']:
        raise MLOpsError('The algorithm name "{}" is longer than {} characters.'.format(_short(algorithm), LIMITS['name']))
    return algorithm, dict(c.entries)


def _from_instance(t, c):
    try:
        fields = dict(vars(t))
    except TypeError:
        fields = {k: getattr(t, k) for k in getattr(type(t), '__slots__', ()) if hasattr(t, k)}
    options = fields.get('options')
    lifted = set(options) if isinstance(options, dict) else set()

    def walk():
        if isinstance(options, dict):
            c.mapping(options, '', options)
        for k, v in fields.items():
            if k.startswith('_') or k.endswith('_') or k in lifted or (k == 'options' and isinstance(options, dict)):
                continue
            c.value(v, k, instance_field=True)
    c.within(t, '', walk)


def _from_configurable(t, c):
    name = type(t).__name__
    if callable(getattr(t, 'apply_gradients', None)) or callable(getattr(t, 'minimize', None)):
        c.configurable(t, 'optimizer')
        return name
    cfg = _get_config(t, '')
    c.within(t, '', lambda: c.value(cfg, ''))
    if callable(getattr(t, 'compile', None)):
        opt = getattr(t, 'optimizer', None)
        if opt is not None and _is_configurable(opt) and 'optimizer' not in c.entries:
            c.configurable(opt, 'optimizer')
        for attr in ('loss', 'metrics'):
            try:
                val = _names_of(getattr(t, attr, None))
            except Exception:
                val = None
            if val is not None and val != [] and attr not in c.entries:
                c.value(val, attr)
    return name


# ------------------------------------------------------------------------------------------ profiling

#: The null spellings of text files: pandas' default na_values (pandas 2.x, which added "None").
NULL_SPELLINGS = frozenset([
    '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN',
    '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null',
])
_TRUE = frozenset(['true', 'True', 'TRUE'])
_FALSE = frozenset(['false', 'False', 'FALSE'])
QUANTILE_PS = (0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1)
DEFAULT_BINS = 20
DEFAULT_TOP_VALUES = 50
CATEGORICAL_MAX_INTEGER_VALUES = 20
_UINT64_MAX = 2 ** 64 - 1
_INT64_MIN = -2 ** 63
_E10 = [float('1e%d' % i) for i in range(309)]  # pandas' table of powers of ten

_NUM_RE = {
    '.': re.compile(r'([+-]?)([0-9]*)(?:(\.)([0-9]*))?(?:([eE])([+-]?[0-9]*))?'),
    ',': re.compile(r'([+-]?)([0-9]*)(?:(,)([0-9]*))?(?:([eE])([+-]?[0-9]*))?'),
}
_INF_RE = re.compile(r'[+-]?(?:inf|infinity)', re.IGNORECASE | re.ASCII)

_M_UNKNOWN, _M_NUMBER, _M_BOOL, _M_DATE, _M_STRING = range(5)
_PARSE_CACHE = 65536  # distinct cells per column whose parse is remembered
_D_NONE, _D_DATE, _D_NAIVE, _D_AWARE = range(4)
_CUM_DAYS = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


def _parse_number(cell, decimal):
    """(is_float, value) for numbers as pandas' CSV parser reads them, None for text (the TypeScript
    profiler's rules): optional spaces and tabs around, sign, ASCII digits, one decimal mark, exponent,
    or inf/infinity. Integers must fit int64 or uint64. Floats are converted like pandas' default
    precise_xstrtod: the first 17 digits (leading zeros included), scaled once by a power of ten, so
    every value, and every statistic, is the double pandas holds (0.054000000000000006 reads as 0.054)."""
    t = cell.strip(' \t')
    if not t:
        return None
    m = _NUM_RE[decimal].fullmatch(t)
    if m is None:
        if _INF_RE.fullmatch(t):
            return True, (-math.inf if t[0] == '-' else math.inf)
        return None
    sign, ip, dot, fp, e, ed = m.groups()
    if not ip and not fp:
        return None
    if dot is None and e is None:
        n = int(t)
        if n > _UINT64_MAX or n < _INT64_MIN:
            return None  # pandas reads integers past int64/uint64 as text
        return False, (-0.0 if n == 0 and t[0] == '-' else float(n))
    fp = fp or ''
    n = 0
    if e is not None:
        digits = ed.lstrip('+-')
        if not digits or len(digits) > 17:
            return None
        n = int(ed)
    if len(ip) + len(fp) <= 15 and -22 <= n - len(fp) <= 22:
        # Clinger's fast path: an exact mantissa and one exact power of ten, which is also what pandas computes.
        return True, float(t if decimal == '.' else t.replace(decimal, '.'))
    number = 0.0
    count = 0
    exponent = 0
    for ch in ip:
        if count < 17:
            number = number * 10 + (ord(ch) - 48)
            count += 1
        else:
            exponent += 1
    for ch in fp:
        if count < 17:
            number = number * 10 + (ord(ch) - 48)
            count += 1
            exponent -= 1
    exponent += n
    if exponent > 308:
        return None  # pandas reports a range error and reads the column as text
    v = number
    if exponent > 0:
        v *= _E10[exponent]
    elif exponent < -308:
        v = 0.0 if exponent < -616 else v / _E10[-308 - exponent] / _E10[308]
    else:
        v /= _E10[-exponent]
    if v == math.inf:
        return None
    return True, (-v if sign == '-' else v)


def _dig2(b, i):
    if i + 1 >= len(b):
        return -1
    a = b[i] - 48
    c = b[i + 1] - 48
    if a < 0 or a > 9 or c < 0 or c > 9:
        return -1
    return a * 10 + c


_SIMPLE_DATETIME = re.compile(r'([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?')


def _days_from_civil(year, mo, d):
    """Days since 1970-01-01 of a valid proleptic Gregorian date, or None when the day does not exist."""
    if mo < 1 or mo > 12 or d < 1:
        return None
    leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0
    dim = (29 if leap else 28) if mo == 2 else 30 if mo in (4, 6, 9, 11) else 31
    if d > dim:
        return None
    yy = year - 1
    return 365 * (year - 1970) + (yy // 4 - yy // 100 + yy // 400) - 477 + _CUM_DAYS[mo - 1] + (1 if leap and mo > 2 else 0) + d - 1


def _parse_datetime(cell):
    """(kind, epoch ms) for ISO 8601 dates and date-times, naive ones read as UTC; (_D_NONE, 0) otherwise.
    `YYYY-MM-DD`, then optionally `T` or a space, `HH:MM`, `:SS`, `.fraction`, and `Z` / `+-HH:MM` / `+-HHMM` / `+-HH`."""
    m = _SIMPLE_DATETIME.fullmatch(cell)
    if m is not None:  # the common shapes, without a zone or a fraction
        y, mo, d, hh, mi, ss = m.groups()
        days = _days_from_civil(int(y), int(mo), int(d))
        if days is None:
            return _D_NONE, 0
        ms = float(days * 86400000)
        if hh is None:
            return _D_DATE, ms
        hh, mi = int(hh), int(mi)
        if hh > 23 or mi > 59 or (ss is not None and int(ss) > 59):
            return _D_NONE, 0
        ms += hh * 3600000 + mi * 60000
        if ss is not None:
            ms += int(ss) * 1000
        return _D_NAIVE, ms
    b = cell.encode('utf-8')
    n = len(b)
    if n < 10 or b[4] != 45 or b[7] != 45:
        return _D_NONE, 0
    y1, y2, mo, d = _dig2(b, 0), _dig2(b, 2), _dig2(b, 5), _dig2(b, 8)
    if y1 < 0 or y2 < 0 or mo < 1 or mo > 12 or d < 1:
        return _D_NONE, 0
    year = y1 * 100 + y2
    leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0
    dim = (29 if leap else 28) if mo == 2 else 30 if mo in (4, 6, 9, 11) else 31
    if d > dim:
        return _D_NONE, 0
    yy = year - 1
    days = 365 * (year - 1970) + (yy // 4 - yy // 100 + yy // 400) - 477
    days += _CUM_DAYS[mo - 1] + (1 if leap and mo > 2 else 0) + d - 1
    ms = float(days * 86400000)
    if n == 10:
        return _D_DATE, ms
    i = 10
    sep = b[i]
    if (sep != 84 and sep != 32) or n < 16 or b[i + 3] != 58:
        return _D_NONE, 0
    hh, mi = _dig2(b, i + 1), _dig2(b, i + 4)
    if hh < 0 or hh > 23 or mi < 0 or mi > 59:
        return _D_NONE, 0
    ms += hh * 3600000 + mi * 60000
    i += 6
    if i < n and b[i] == 58:
        if i + 3 > n:
            return _D_NONE, 0
        ss = _dig2(b, i + 1)
        if ss < 0 or ss > 59:
            return _D_NONE, 0
        ms += ss * 1000
        i += 3
        if i < n and (b[i] == 46 or b[i] == 44):
            i += 1
            frac = 0.0
            scale = 100.0
            f0 = i
            while i < n and 48 <= b[i] <= 57:
                frac += (b[i] - 48) * scale
                scale /= 10
                i += 1
            if i == f0:
                return _D_NONE, 0
            ms += frac
    if i == n:
        return _D_NAIVE, ms
    z = b[i]
    if z == 90 and i + 1 == n:
        return _D_AWARE, ms
    if z != 43 and z != 45:
        return _D_NONE, 0
    oh = _dig2(b, i + 1)
    if oh < 0 or oh > 23:
        return _D_NONE, 0
    om = 0
    j = i + 3
    if j < n:
        if b[j] == 58:
            j += 1
        om = _dig2(b, j)
        if om < 0 or om > 59 or j + 2 != n:
            return _D_NONE, 0
    elif j != n:
        return _D_NONE, 0
    off = (oh * 60 + om) * 60000
    return _D_AWARE, (ms - off if z == 43 else ms + off)


def _format_datetime(ms, kind):
    """Epoch ms as the column wrote it: a date, a naive date-time or a UTC date-time ("Z")."""
    t = math.trunc(ms)
    days, rem = divmod(t, 86400000)
    # civil_from_days (H. Hinnant)
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    if m <= 2:
        y += 1
    date = '{:04d}-{:02d}-{:02d}'.format(y, m, d)
    if kind == _D_DATE:
        return date
    hh, rem = divmod(rem, 3600000)
    mi, rem = divmod(rem, 60000)
    ss, mss = divmod(rem, 1000)
    body = '{}T{:02d}:{:02d}:{:02d}'.format(date, hh, mi, ss)
    if mss:
        body += '.{:03d}'.format(mss)
    return body + 'Z' if kind == _D_AWARE else body


class _Column:
    """One column's running profile, with the TypeScript profiler's type and statistics rules."""

    __slots__ = ('name', 'decimal', 'nulls', 'count', 'mode', 'n_float', 'sum', 'sum_c', 'mean', 'm2', 'min', 'max',
                 'fmin', 'fmax', 'dflags', 'counts', '_exact', 'parsed')

    def __init__(self, name, decimal='.'):
        self.name = name
        self.decimal = decimal
        self.nulls = 0
        self.count = 0
        self.mode = _M_UNKNOWN
        self.n_float = 0
        self.sum = 0.0
        self.sum_c = 0.0
        self.mean = 0.0
        self.m2 = 0.0
        self.min = math.inf
        self.max = -math.inf
        self.fmin = math.inf
        self.fmax = -math.inf
        self.dflags = 0
        self.counts = {}  # raw cell text -> count
        self._exact = None
        self.parsed = {}  # raw cell text -> parse result, for the first _PARSE_CACHE distinct cells

    def add(self, cell):
        if cell in NULL_SPELLINGS:
            self.nulls += 1
            return
        self.count += 1
        counts = self.counts
        counts[cell] = counts.get(cell, 0) + 1
        mode = self.mode
        if mode == _M_STRING:
            return
        # A cell seen before parsed as the current kind (else the column would be text by now): reuse it.
        r = self.parsed.get(cell)
        if mode == _M_NUMBER:
            if r is None:
                r = _parse_number(cell, self.decimal)
                if r is None:
                    self.mode = _M_STRING
                    return
                self._remember(cell, r)
            self._number(r[1], r[0])
        elif mode == _M_DATE:
            if r is None:
                r = _parse_datetime(cell)
                if r[0] == _D_NONE:
                    self.mode = _M_STRING
                    return
                self._remember(cell, r)
            self._date(r[1], r[0])
        elif mode == _M_BOOL:
            if cell not in _TRUE and cell not in _FALSE:
                self.mode = _M_STRING
        else:
            r = _parse_number(cell, self.decimal)
            if r is not None:
                self.mode = _M_NUMBER
                self._remember(cell, r)
                self._number(r[1], r[0])
            elif cell in _TRUE or cell in _FALSE:
                self.mode = _M_BOOL
            else:
                r = _parse_datetime(cell)
                if r[0] != _D_NONE:
                    self.mode = _M_DATE
                    self._remember(cell, r)
                    self._date(r[1], r[0])
                else:
                    self.mode = _M_STRING

    def _remember(self, cell, r):
        if len(self.parsed) < _PARSE_CACHE:
            self.parsed[cell] = r

    def _number(self, x, is_float):
        if is_float:
            self.n_float += 1
        n = self.count
        # Neumaier-compensated sum for the mean, Welford for the variance: the same operations as the TS profiler.
        t = self.sum + x
        if abs(self.sum) >= abs(x):
            self.sum_c += self.sum - t + x
        else:
            self.sum_c += x - t + self.sum
        self.sum = t
        d = x - self.mean
        self.mean += d / n
        self.m2 += d * (x - self.mean)
        if x < self.min:
            self.min = x
        if x > self.max:
            self.max = x
        if x < self.fmin and x != -math.inf:
            self.fmin = x
        if x > self.fmax and x != math.inf:
            self.fmax = x

    def _date(self, ms, kind):
        flag = 1 if kind == _D_DATE else 2 if kind == _D_NAIVE else 4
        flags = self.dflags | flag
        if flags & 4 and flags & 3:
            self.mode = _M_STRING  # zone-aware and naive times in one column: text, as in pandas
            return
        self.dflags = flags
        if ms < self.min:
            self.min = ms
        if ms > self.max:
            self.max = ms

    @property
    def type(self):
        if self.count == 0:
            return 'empty'
        if self.mode == _M_NUMBER:
            return 'integer' if self.n_float == 0 and self.nulls == 0 else 'float'
        return {_M_BOOL: 'boolean', _M_DATE: 'datetime'}.get(self.mode, 'string')

    @property
    def date_kind(self):
        return _D_AWARE if self.dflags & 4 else _D_NAIVE if self.dflags & 2 else _D_DATE

    def _key_number(self, key):
        r = self.parsed.get(key)
        if r is not None:
            return r[1]
        if self.mode == _M_DATE:
            return _parse_datetime(key)[1]
        r = _parse_number(key, self.decimal)
        return r[1] if r is not None else math.nan

    def exact_numbers(self):
        """(values ascending, counts) merged by value (computed once, after the last cell)."""
        if self._exact is not None:
            return self._exact
        merged = {}
        for key, c in self.counts.items():
            v = self._key_number(key)
            v = 0.0 if v == 0 else v
            merged[v] = merged.get(v, 0) + c
        values = sorted(merged)
        self._exact = (values, [merged[v] for v in values])
        return self._exact

    def canonical_counts(self):
        out = {}
        for key, c in self.counts.items():
            if self.mode == _M_NUMBER:
                k = _js_number_str(self._key_number(key))
            elif self.mode == _M_DATE:
                k = _format_datetime(self._key_number(key), self.date_kind)
            elif self.mode == _M_BOOL:
                k = 'true' if key in _TRUE else 'false'
            else:
                k = key
            out[k] = out.get(k, 0) + c
        return out

    def distinct(self):
        if self.mode in (_M_NUMBER, _M_DATE):
            return len(self.exact_numbers()[0])
        if self.mode == _M_BOOL:
            return len(self.canonical_counts())
        return len(self.counts)

    def profile(self):
        t = self.type
        p = {'name': self.name, 'type': t, 'nulls': self.nulls, 'distinct': self.distinct(), 'distinctExact': True}
        if t in ('integer', 'float'):
            p['min'] = _json_number(self.min)
            p['max'] = _json_number(self.max)
            p['mean'] = _json_number((self.sum + self.sum_c) / self.count)
            if self.count > 1:
                p['std'] = _json_number(math.sqrt(self.m2 / (self.count - 1)) if self.m2 >= 0 else math.nan)
        elif t == 'datetime':
            p['min'] = _format_datetime(self.min, self.date_kind)
            p['max'] = _format_datetime(self.max, self.date_kind)
        return p

    def auto_kind(self):
        if self.count == 0:
            return 'categorical'
        if self.mode == _M_DATE:
            return 'numeric'
        if self.mode != _M_NUMBER:
            return 'categorical'
        if self.n_float == 0 and len(self.exact_numbers()[0]) <= CATEGORICAL_MAX_INTEGER_VALUES:
            return 'categorical'
        return 'numeric'

    def distribution(self, rows, bins, top=DEFAULT_TOP_VALUES):
        if self.auto_kind() == 'categorical':
            counts = list(self.canonical_counts().items())
            if self.mode == _M_NUMBER:
                counts.sort(key=lambda kv: (-kv[1], float(kv[0])))
            else:
                counts.sort(key=lambda kv: (-kv[1], kv[0].encode('utf-16-be', 'surrogatepass')))
            values = [{'value': k, 'count': c} for k, c in counts[:top]]
            shown = sum(v['count'] for v in values)
            return {'kind': 'categorical', 'column': self.name, 'total': rows, 'nulls': self.nulls,
                    'values': values, 'other': self.count - shown}
        return self._numeric(rows, bins)

    def _numeric(self, rows, bins):
        n = self.count
        if self.fmin <= self.fmax:
            edges = _histogram_edges(self.fmin, self.fmax, bins)
        elif self.mode == _M_DATE:
            edges = _histogram_edges(self.min, self.max, bins)
        else:
            edges = []
        values, weights = self.exact_numbers()
        hist = _bin(edges, values, weights) if len(edges) > 1 else []
        at = _weighted_order_stat(values, weights)
        d = {
            'kind': 'numeric', 'column': self.name, 'total': rows, 'nulls': self.nulls,
            'edges': [_json_number(e) for e in edges],
            'counts': hist,
            'quantiles': [{'p': p, 'value': _json_number(_linear_quantile(n, p, at))} for p in QUANTILE_PS] if n > 0 else [],
        }
        if self.mode == _M_DATE:
            d['unit'] = 'epoch-ms'
        return d


def _histogram_edges(lo, hi, bins):
    """numpy.histogram's edges for `bins` equal bins over [lo, hi], widened by 0.5 when lo = hi."""
    first, last = lo, hi
    if first == last:
        first -= 0.5
        last += 0.5
    step = (last - first) / bins
    return [i * step + first for i in range(bins)] + [last]


def _bin(edges, values, weights):
    nb = len(edges) - 1
    counts = [0] * nb
    first, last = edges[0], edges[nb]
    norm = nb / (last - first)
    for x, w in zip(values, weights):
        if not (first <= x <= last):
            continue  # +-Infinity: outside every finite bin
        i = math.floor((x - first) * norm)
        i = min(max(i, 0), nb - 1)
        while i > 0 and x < edges[i]:
            i -= 1
        while i < nb - 1 and x >= edges[i + 1]:
            i += 1
        counts[i] += w
    return counts


def _weighted_order_stat(values, weights):
    cum = []
    acc = 0
    for w in weights:
        acc += w
        cum.append(acc)

    def at(rank):
        lo, hi = 0, len(values) - 1
        while lo < hi:
            mid = (lo + hi) >> 1
            if cum[mid] > rank:
                hi = mid
            else:
                lo = mid + 1
        return values[lo]
    return at


def _linear_quantile(n, p, at):
    """numpy's 'linear' quantile (pandas Series.quantile), with numpy's lerp: bit-identical."""
    q = (p * 100) / 100
    vi = (n - 1) * q
    if vi >= n - 1:
        return at(n - 1)
    prev = math.floor(vi)
    g = vi - prev
    a = at(prev)
    b = at(prev + 1)
    diff = b - a
    return b - diff * (1 - g) if g >= 0.5 else a + diff * g


_CANDIDATES = (',', '\t', ';', '|')


def _count_outside_quotes(line, d):
    if 34 not in line:
        return line.count(d)
    n = 0
    q = False
    for c in line:
        if c == 34:
            q = not q
        elif c == d and not q:
            n += 1
    return n


def _sniff_dialect(head, ext, whole):
    """(delimiter, decimal mark), the TypeScript profiler's rules: the delimiter whose count per line
    (outside quotes) is the same on the most of the first 100 lines of the first 64 KiB; ties go to the
    extension's default (tab for .tsv/.tab, else comma), then to the order , tab ; |. A decimal comma
    (7,4) is recognized only with ";" as the delimiter. `whole`: head is the whole file."""
    sample = head[:65536]
    lines = []
    ls = 0
    in_q = False
    for i, c in enumerate(sample):
        if c == 34:
            in_q = not in_q
        elif not in_q and (c == 10 or c == 13):
            if i > ls:
                lines.append(sample[ls:i])
            ls = i + 1
            if len(lines) >= 100:
                break
    if not lines and whole and len(head) > ls:
        lines.append(head[ls:])
    order = (9, 44, 59, 124) if ext in ('.tsv', '.tab') else (44, 9, 59, 124)
    best, best_score = order[0], -1.0
    for d in order:
        freq = {}
        for line in lines:
            n = _count_outside_quotes(line, d)
            freq[n] = freq.get(n, 0) + 1
        mode, mode_freq = 0, 0
        for c, f in freq.items():
            if f > mode_freq or (f == mode_freq and c > mode):
                mode, mode_freq = c, f
        if mode == 0 or not lines:
            continue
        score = mode_freq / len(lines)
        if score > best_score:
            best, best_score = d, score
    decimal = '.'
    if best == 59:
        comma = dot = 0
        for line in lines[1:]:
            for field in line.decode('latin-1').split(';'):
                f = field.strip(_JS_SPACE)
                if re.fullmatch(r'[+-]?[0-9]+,[0-9]+', f):
                    comma += 1
                elif re.fullmatch(r'[+-]?[0-9]*\.[0-9]+', f):
                    dot += 1
        if comma > 0 and dot == 0:
            decimal = ','
    return chr(best), decimal


def _mangle_header(names):
    """pandas' header rules: an empty name becomes "Unnamed: i", a repeated one "name.1", "name.2"..."""
    used = set()
    nxt = {}
    out = []
    for i, raw in enumerate(names):
        name = 'Unnamed: {}'.format(i) if raw == '' else raw
        cur = name
        while cur in used:
            k = nxt.get(name, 0) + 1
            nxt[name] = k
            cur = '{}.{}'.format(name, k)
        used.add(cur)
        out.append(cur)
    return out


class _FileText:
    """Reads a file once: SHA-256 of every byte, strict UTF-8 with the byte offset of a bad byte, lines with their ends."""

    CHUNK = 1 << 20

    def __init__(self, path, shown):
        self.path = path
        self.shown = shown
        self.sha = hashlib.sha256()
        self.bytes = 0

    def lines(self):
        dec = codecs.getincrementaldecoder('utf-8')('strict')
        carry = ''
        with _builtin_open(self.path, 'rb') as f:
            head = f.read(3)
            self.sha.update(head)
            if head == codecs.BOM_UTF8:
                self.bytes, head = 3, b''  # a UTF-8 BOM is hashed but is not text
            while True:
                b = f.read(self.CHUNK)
                self.sha.update(b)
                final = not b
                if head:
                    b, head = head + b, b''
                pending = len(dec.getstate()[0])
                try:
                    text = dec.decode(b, final)
                except UnicodeDecodeError as err:
                    offset = self.bytes - pending + err.start
                    raise MLOpsError('{} is not valid UTF-8: the byte at offset {} cannot be decoded. Re-save the file as '
                                     'UTF-8 (for example "Save with Encoding" > UTF-8 in VS Code, or iconv -f latin1 -t utf-8).'
                                     .format(self.shown, offset)) from None
                self.bytes += len(b)
                text = carry + text
                carry = ''
                if not final:
                    # Keep the unfinished last line, and a final CR that may be the first half of CRLF.
                    end = len(text) - 1 if text.endswith('\r') else len(text)
                    cut = max(text.rfind('\n', 0, end), text.rfind('\r', 0, end)) + 1
                    text, carry = text[:cut], text[cut:]
                if text:
                    for line in io.StringIO(text, newline=''):
                        yield line
                if final:
                    return


def profile_file(path, name=None, distribution_of=None, bins=DEFAULT_BINS, shown=None):
    """Profiles a CSV/TSV file: (profile, distribution or None). `shown` is the path used in messages and `source`."""
    shown = shown or path
    if not os.path.exists(path):
        raise MLOpsError('The file {} does not exist. Check the path (relative paths are resolved against the '
                         'workspace folder).'.format(shown))
    if os.path.isdir(path):
        raise MLOpsError('{} is a directory, not a data file. Give the path of a CSV or TSV file inside it.'.format(shown))
    ext = os.path.splitext(path)[1].lower()
    if ext in ('.json', '.jsonl', '.ndjson', '.parquet', '.pq'):
        raise MLOpsError('{}: the Python module profiles CSV and TSV files only. Save the data as CSV '
                         '(e.g. df.to_csv(path, index=False)), or log it from VS Code with the extension.'.format(shown))
    size = os.path.getsize(path)
    if size == 0:
        raise MLOpsError('{} is empty (0 bytes): there is nothing to profile. Check that the file was written completely.'.format(shown))

    with _builtin_open(path, 'rb') as f:
        head = f.read(65536 + 3)
    bom = head.startswith(codecs.BOM_UTF8)
    if bom:
        head = head[3:]
    delimiter, decimal = _sniff_dialect(head, ext, size - (3 if bom else 0) <= 65536)

    lines = _FileText(path, shown)
    token = 'mlops-eof-' + uuid.uuid4().hex

    def feed():
        for line in lines.lines():
            yield line
        yield token + '\n'  # an unterminated quote swallows it: that tells it from a clean end

    old_limit = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2 ** 31 - 1))
    try:
        reader = csv.reader(feed(), delimiter=delimiter, quotechar='"', doublequote=True, skipinitialspace=False, strict=False)
        header = None
        cols = []
        rows = 0
        last_line = 0
        for rec in reader:
            start_line = last_line + 1
            last_line = reader.line_num
            if not rec:
                continue  # a blank line, skipped as pandas does
            if rec[-1].endswith(token + '\n') or rec[-1] == token:
                if rec == [token]:
                    break
                raise MLOpsError('{}: the quoted field that starts on line {} is never closed. Add the missing closing '
                                 'quote (") or double the quotes inside the field.'.format(shown, start_line))
            if header is None:
                header = _mangle_header(rec)
                for h in header:
                    if _js_len(h) > LIMITS['key']:
                        raise MLOpsError('{}: the column name "{}" is longer than {} characters; shorten it in the header.'
                                         .format(shown, _short(h), LIMITS['key']))
                if distribution_of is not None and distribution_of not in header:
                    raise MLOpsError('{} has no column "{}". Available columns: {}. Column names are case-sensitive.'
                                     .format(shown, distribution_of, ', '.join('"{}"'.format(h) for h in header)))
                cols = [_Column(h, decimal) for h in header]
                continue
            if len(rec) != len(cols):
                raise MLOpsError('{}, line {}: expected {} fields (the header has {}) but found {}. Fix that row, or quote '
                                 'fields that contain the delimiter "{}".'.format(
                                     shown, start_line, len(cols), ', '.join(header), len(rec), delimiter.replace('\t', '\\t')))
            for col, cell in zip(cols, rec):
                col.add(cell)
            rows += 1
    except csv.Error as err:
        raise MLOpsError('{} could not be read as CSV ({}). Check the file.'.format(shown, err)) from None
    finally:
        csv.field_size_limit(old_limit)
    if header is None:
        raise MLOpsError('{} has no header line (only blank lines). Add a header row with the column names.'.format(shown))
    if rows == 0:
        raise MLOpsError('{} has a header ({}) but no data rows. Add rows, or check that the file was written completely.'
                         .format(shown, ', '.join(header)))
    profile = {
        'name': name if name is not None else os.path.basename(path),
        'source': shown,
        'format': 'tsv' if delimiter == '\t' else 'csv',
        'rows': rows,
        'columns': [c.profile() for c in cols],
        'sha256': lines.sha.hexdigest(),
        'bytes': size,
    }
    dist = None
    if distribution_of is not None:
        dist = cols[header.index(distribution_of)].distribution(rows, bins)
    return profile, dist


# ------------------------------------------------------------------------------------------ confusion matrices

def _label_of(v, where):
    """(kind, text) of a class label; numbers are written like JavaScript's String() (1.0 -> "1", True -> "true")."""
    if isinstance(v, str):
        return 'string', v
    if isinstance(v, bool) or type(v).__name__ in ('bool_', 'bool8', 'bool'):
        return 'boolean', 'true' if bool(v) else 'false'
    x = _as_number(v)
    if x is None:
        raise MLOpsError('{} is {!r}: labels must be strings, integers or booleans.'.format(where, v))
    if isinstance(x, float):
        if not x.is_integer():
            raise MLOpsError('{} is {!r}, not a class label: labels must be strings, integers or booleans. If these are '
                             'scores or probabilities, threshold or argmax them into classes first.'.format(where, v))
        x = int(x)
    return 'number', str(x)


def _to_list(x, what):
    if isinstance(x, (str, bytes)) or x is None:
        raise MLOpsError('{} must be a list of labels; got {!r}.'.format(what, x))
    if _is_array(x):
        return x.tolist()
    tolist = getattr(x, 'tolist', None)  # pandas Series
    if callable(tolist):
        return tolist()
    try:
        return list(x)
    except TypeError:
        raise MLOpsError('{} must be a list of labels; got {}.'.format(what, type(x).__name__))


def _label_list(labels):
    labels = _to_list(labels, 'labels')
    if not labels:
        raise MLOpsError('labels is empty: give at least one label, or leave it out.')
    if len(labels) > LIMITS['labels']:
        raise MLOpsError('labels has {} entries, more than the {} a confusion matrix may have.'.format(len(labels), LIMITS['labels']))
    out = []
    seen = set()
    for i, l in enumerate(labels):
        text = _label_of(l, 'labels[{}]'.format(i))[1]
        if text in seen:
            raise MLOpsError('labels lists {!r} twice (at labels[{}]): labels must be unique.'.format(text, i))
        seen.add(text)
        out.append(text)
    return out


def _confusion_from_pairs(actual, predicted, labels):
    actual = _to_list(actual, 'actual')
    predicted = _to_list(predicted, 'predicted')
    if len(actual) != len(predicted):
        raise MLOpsError('actual has {} values but predicted has {}: give one prediction per actual value.'
                         .format(len(actual), len(predicted)))
    if not actual:
        raise MLOpsError('actual and predicted are empty: give at least one pair.')
    kind = None
    where0 = ''
    texts_a, texts_p = [], []
    distinct = {}
    for values, nm, texts in ((actual, 'actual', texts_a), (predicted, 'predicted', texts_p)):
        for i, v in enumerate(values):
            where = '{}[{}]'.format(nm, i)
            k, text = _label_of(v, where)
            if kind is None:
                kind, where0 = k, where
            elif k != kind:
                raise MLOpsError('{} is a {} ({!r}) but {} is a {}: actual and predicted must use one label type; convert '
                                 'them all to strings or all to numbers.'.format(where, k, v, where0, kind))
            texts.append(text)
            if text not in distinct:
                distinct[text] = v
                if labels is None and len(distinct) > LIMITS['labels']:
                    raise MLOpsError('actual and predicted hold more than {} distinct labels: a confusion matrix is for '
                                     'classification; if these are regression targets, log error metrics instead.'
                                     .format(LIMITS['labels']))
    if labels is None:
        # scikit-learn's unique_labels: the sorted union
        if kind == 'number':
            order = sorted(distinct, key=int)
        elif kind == 'boolean':
            order = sorted(distinct, key=lambda t: t == 'true')
        else:
            order = sorted(distinct)
    else:
        order = _label_list(labels)
    index = {l: i for i, l in enumerate(order)}
    n = len(order)
    counts = [[0] * n for _ in range(n)]
    for k, (a, p) in enumerate(zip(texts_a, texts_p)):
        for text, nm in ((a, 'actual'), (p, 'predicted')):
            if text not in index:
                shown = ', '.join(repr(l) for l in order[:5]) + (', ...' if n > 5 else '')
                raise MLOpsError('{}[{}] is {!r}, which is not in labels [{}]: add it to labels, or leave labels out to '
                                 'use every value.'.format(nm, k, text, shown))
        counts[index[a]][index[p]] += 1
    return {'labels': order, 'counts': counts}


def _validate_matrix(labels, counts):
    labels = _label_list(labels)
    n = len(labels)
    if _is_array(counts):
        counts = counts.tolist()
    if isinstance(counts, (str, bytes)) or not hasattr(counts, '__iter__'):
        raise MLOpsError('counts must be a list of rows (counts[actual][predicted]); got {!r}.'.format(counts))
    rows = list(counts)
    if len(rows) != n:
        raise MLOpsError('counts has {} rows but there are {} labels: the matrix must be {} x {}.'.format(len(rows), n, n, n))
    out = []
    total = 0
    for i, row in enumerate(rows):
        row_name = 'row {} (actual {!r})'.format(i, labels[i])
        if _is_array(row):
            row = row.tolist()
        if isinstance(row, (str, bytes)) or not hasattr(row, '__iter__'):
            raise MLOpsError('counts {} is {!r}, not a list of counts.'.format(row_name, row))
        row = list(row)
        if len(row) != n:
            raise MLOpsError('counts {} has {} values, expected {} (one per label).'.format(row_name, len(row), n))
        vals = []
        for j, c in enumerate(row):
            x = _as_number(c)
            if x is None or (isinstance(x, float) and not x.is_integer()) or x < 0:
                raise MLOpsError('counts {}, column {} (predicted {!r}) is {!r}: counts must be non-negative integers.'
                                 .format(row_name, j, labels[j], c))
            vals.append(int(x))
            total += int(x)
        out.append(vals)
    if total == 0:
        raise MLOpsError('Every count in the confusion matrix is 0: there are no samples to report on.')
    if total > MAX_SAFE_INTEGER:
        raise MLOpsError('The counts add up to more than 2^53: they cannot be added exactly.')
    return {'labels': labels, 'counts': out}


# ------------------------------------------------------------------------------------------ the context

class Experiment:
    __slots__ = ('experiment_id', 'name')

    def __init__(self, experiment_id, name):
        self.experiment_id = experiment_id
        self.name = name

    def __repr__(self):
        return 'Experiment(experiment_id={!r}, name={!r})'.format(self.experiment_id, self.name)

    def __eq__(self, other):
        return isinstance(other, Experiment) and (self.experiment_id, self.name) == (other.experiment_id, other.name)

    __hash__ = None


class _RunState:
    __slots__ = ('file', 'start_time', 'ended', 'steps', 'training_time')

    def __init__(self, file, start_time, ended=False):
        self.file = file
        self.start_time = start_time
        self.ended = ended
        self.steps = {}
        self.training_time = None


def open(workspace='.'):  # noqa: A001 - the module's entry point mirrors MLOpsContext.open()
    """Opens the tracking context of a workspace folder (default: the current directory)."""
    return MLOpsContext(workspace)


class MLOpsContext:
    """Logs runs into <workspace>/.mlops/runs/. Safe to share between threads."""

    def __init__(self, workspace='.'):
        ws = os.fspath(workspace) if not isinstance(workspace, str) else workspace
        ws = os.path.abspath(ws)
        if not os.path.isdir(ws):
            raise MLOpsError('The workspace "{}" is not a folder; pass the folder of your project, e.g. '
                             "mlops_tracking.open('.').".format(ws))
        self.workspace = ws
        self.runs_dir = os.path.join(ws, MLOPS_DIR, RUNS_DIR)
        self._lock = threading.RLock()
        self._runs = {}

    def __repr__(self):
        return 'MLOpsContext({!r})'.format(self.workspace)

    # ---- layout

    def _experiment_dir(self, name, experiment_id):
        suffix = '-' + experiment_id[:8]
        if os.path.isdir(self.runs_dir):
            for d in sorted(os.listdir(self.runs_dir)):
                if d.endswith(suffix) and os.path.isdir(os.path.join(self.runs_dir, d)):
                    return os.path.join(self.runs_dir, d)
        return os.path.join(self.runs_dir, experiment_dir_name(name, experiment_id))

    def _find_run_file(self, run_id):
        if not os.path.isdir(self.runs_dir):
            return None
        for d in sorted(os.listdir(self.runs_dir)):
            f = os.path.join(self.runs_dir, d, run_id + '.jsonl')
            if os.path.isfile(f):
                return f
        return None

    def _state(self, run_id):
        """The state of a run this context may log to; finds runs created by other processes too."""
        if isinstance(run_id, Run):
            run_id = run_id.run_id
        if not isinstance(run_id, str) or not _RUN_ID.fullmatch(run_id):
            raise MLOpsError('{!r} is not a run id; use the run_id of the Run returned by create_run().'.format(run_id))
        with self._lock:
            st = self._runs.get(run_id)
            if st is None:
                f = self._find_run_file(run_id)
                if f is None:
                    raise MLOpsError('Unknown run id "{}": no log file .mlops/runs/*/{}.jsonl in {}. Create the run with '
                                     'create_run() first.'.format(run_id, run_id, self.workspace))
                st = _RunState(f, 0, ended=_has_ended(f, run_id))
                self._runs[run_id] = st
            return run_id, st

    def _open_run(self, run_id):
        """The id of a run that may still be logged to (checked before slow work such as profiling)."""
        run_id, st = self._state(run_id)
        if st.ended:
            raise MLOpsError('Run "{}" has ended; start a new run with create_run() to log more.'.format(run_id))
        return run_id, st

    def _append(self, run_id, events, allow_ended=False):
        """Checks that the run is open, then writes the events with one write()."""
        run_id, st = self._state(run_id)
        with self._lock:
            if st.ended and not allow_ended:
                raise MLOpsError('Run "{}" has ended; start a new run with create_run() to log more.'.format(run_id))
            ts = _now_ms()
            lines = []
            for e in events:
                ev = {'v': EVENT_FORMAT_VERSION, 'ts': ts}
                ev.update(e)
                lines.append(ev)
            data = _serialize(lines)
            _append(st.file, data)
        return st

    def _source_name(self, path):
        ab = os.path.abspath(os.path.join(self.workspace, path))
        try:
            rel = os.path.relpath(ab, self.workspace)
        except ValueError:  # another drive
            return ab
        if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
            return ab
        return rel.replace(os.sep, '/')

    # ---- life cycle

    def create_experiment(self, name):
        """Finds or creates the experiment with this name."""
        _check_name('The experiment name', name)
        experiment_id = experiment_id_for(name)
        trimmed = _js_trim(name)
        with self._lock:
            f = os.path.join(self._experiment_dir(name, experiment_id), EXPERIMENT_FILE)
            if not os.path.exists(f):
                _append(f, _serialize([{'v': EVENT_FORMAT_VERSION, 'ts': _now_ms(), 'type': 'experiment_created',
                                        'experimentId': experiment_id, 'name': trimmed}]))
        return Experiment(experiment_id, trimmed)

    def _experiment_by_id(self, experiment_id):
        if not isinstance(experiment_id, str) or not re.fullmatch(r'[0-9a-f]{8,64}', experiment_id):
            raise MLOpsError('{!r} is not an experiment id (16 hex digits); pass experiment_name= to create the '
                             'experiment.'.format(experiment_id))
        suffix = '-' + experiment_id[:8]
        if os.path.isdir(self.runs_dir):
            for d in sorted(os.listdir(self.runs_dir)):
                f = os.path.join(self.runs_dir, d, EXPERIMENT_FILE)
                if d.endswith(suffix) and os.path.isfile(f):
                    with _builtin_open(f, 'r', encoding='utf-8', errors='replace') as fh:
                        for line in fh:
                            try:
                                e = json.loads(line)
                            except ValueError:
                                continue
                            if isinstance(e, dict) and e.get('type') == 'experiment_created' and e.get('experimentId') == experiment_id:
                                return Experiment(experiment_id, e.get('name'))
        raise MLOpsError('Unknown experiment id "{}"; pass experiment_name= to create it.'.format(experiment_id))

    def create_run(self, experiment_name=None, name=None, experiment_id=None):
        """Starts a run (creating the experiment when needed); records the start time, git state and script."""
        if experiment_name is not None:
            _check_name('The experiment name', experiment_name)
        elif experiment_id is None:
            raise MLOpsError('create_run needs experiment_name= (or experiment_id=).')
        if name is not None:
            _check_name('The run name', name)
        experiment = self.create_experiment(experiment_name) if experiment_name is not None else self._experiment_by_id(experiment_id)
        run_id = new_run_id()
        start = _now_ms()
        git = _git_info(self.workspace)
        ev = {'v': EVENT_FORMAT_VERSION, 'ts': start, 'type': 'run_created', 'runId': run_id,
              'experimentId': experiment.experiment_id}
        if name is not None:
            ev['name'] = name
        ev['startTime'] = start
        if git is not None:
            ev['git'] = git
        source = _script_path()
        if source is not None:
            source = self._source_name(source)
            try:
                source.encode('utf-8')
                ev['source'] = source
            except UnicodeEncodeError:
                pass  # a file name that is not valid Unicode: leave it out
        data = _serialize([ev])
        with self._lock:
            f = os.path.join(self._experiment_dir(experiment.name, experiment.experiment_id), run_id + '.jsonl')
            _append(f, data)
            self._runs[run_id] = _RunState(f, start)
        return Run(self, run_id, experiment.experiment_id, experiment.name, name, start)

    def start_run(self, experiment_name=None, name=None, experiment_id=None):
        """create_run() for a `with` block: the run ends "finished", or "failed" when the block raises."""
        return self.create_run(experiment_name=experiment_name, name=name, experiment_id=experiment_id)

    def end_run(self, run_id, status='finished'):
        """Ends a run with a status (finished, failed or killed) and records its training time."""
        if status not in END_STATUSES:
            raise MLOpsError('The status {!r} is not one of finished, failed, killed.'.format(status))
        run_id, st = self._state(run_id)
        with self._lock:
            end = _now_ms()
            ev = {'type': 'run_ended', 'runId': run_id, 'status': status, 'endTime': end}
            if st.training_time is not None:
                ev['trainingTimeMs'] = st.training_time
            elif st.start_time:
                ev['trainingTimeMs'] = end - st.start_time
            self._append(run_id, [ev])
            st.ended = True

    def set_training_time(self, run_id, ms):
        """Records the training time in milliseconds (end_run keeps it instead of the wall-clock time)."""
        x = _as_number(ms)
        if isinstance(ms, _dt.timedelta):
            x = ms.total_seconds() * 1000
        if x is None or not math.isfinite(x) or x < 0:
            raise MLOpsError('The training time must be a non-negative number of milliseconds; got {!r}.'.format(ms))
        st = self._append(run_id, [{'type': 'training_time', 'runId': self._run_id(run_id), 'ms': x}])
        st.training_time = x

    # ---- training

    def log_hyper_parameters(self, run_id, trainer):
        """Logs the algorithm and the settings of a trainer (dict, scikit-learn estimator...); returns them."""
        rid, _ = self._open_run(run_id)
        algorithm, params = extract_hyper_parameters(trainer)
        self._append(rid, [{'type': 'params', 'runId': rid, 'params': params, 'algorithm': algorithm}])
        return {'algorithm': algorithm, 'params': params}

    def log_hyper_parameter(self, run_id, name, value):
        """Logs one parameter: a string, a finite number, a boolean or None."""
        _check_name('The parameter name', name, LIMITS['key'])
        if type(value).__name__ in ('bool_', 'bool') and callable(getattr(value, 'item', None)):
            value = value.item()  # numpy booleans
        if value is not None and not isinstance(value, (str, bool)):
            x = _as_number(value)
            if x is None or (isinstance(x, float) and not math.isfinite(x)):
                raise MLOpsError('The parameter "{}" must be a string, a finite number, a boolean or None; got {!r}. '
                                 'Use log_hyper_parameters({{...}}) for lists and nested settings.'.format(name, value))
            value = x if not isinstance(x, int) or abs(x) <= MAX_SAFE_INTEGER else str(x)
        if isinstance(value, str):
            _check_text('The parameter "{}"'.format(name), value, LIMITS['value'])
        rid = self._run_id(run_id)
        self._append(rid, [{'type': 'params', 'runId': rid, 'params': {name: value}}])

    # ---- evaluation

    def _metric_event(self, st, run_id, key, value, step, timestamp):
        _check_name('The metric name', key, LIMITS['key'])
        x = _as_number(value)
        if x is None:
            raise MLOpsError('The metric "{}" must be a number (NaN and infinity are kept); got {!r}.'.format(key, value))
        if isinstance(x, int) and abs(x) > MAX_SAFE_INTEGER:
            try:
                x = float(x)  # what a reader gets anyway; past the double range it is infinite
            except OverflowError:
                x = math.inf if x > 0 else -math.inf
        if step is not None:
            if isinstance(step, bool) or not isinstance(step, numbers.Integral) or abs(int(step)) > MAX_SAFE_INTEGER:
                raise MLOpsError('The step of "{}" must be an integer; got {!r}.'.format(key, step))
            step = int(step)
        else:
            step = st.steps.get(key, 0)
        if timestamp is not None:
            if isinstance(timestamp, _dt.datetime):
                ts = timestamp.timestamp() * 1000
            else:
                ts = _as_number(timestamp)
            if ts is None or not math.isfinite(ts):
                raise MLOpsError('The timestamp of "{}" must be epoch milliseconds or a datetime; got {!r}.'.format(key, timestamp))
            timestamp = int(round(ts))
        # Key order matters: readers parse exactly this order on a fast path.
        return {'type': 'metric', 'runId': run_id, 'key': key, 'value': _encode_number(x), 'step': step,
                'timestamp': timestamp}

    def log_metric(self, run_id, key, value, step=None, timestamp=None):
        """Logs one metric value; without a step, the steps of a metric count 0, 1, 2, ... in this process."""
        rid, st = self._open_run(run_id)
        with self._lock:
            ev = self._metric_event(st, rid, key, value, step, timestamp)
            if ev['timestamp'] is None:
                ev['timestamp'] = _now_ms()
            self._append(rid, [ev])
            st.steps[key] = ev['step'] + 1

    def log_metrics(self, run_id, metrics, step=None):
        """Logs several metrics at once: {'accuracy': 0.8, 'f1': 0.7}, all with the same step when given."""
        if not hasattr(metrics, 'items'):
            raise MLOpsError('log_metrics takes a dict of metric names to numbers; got {!r}.'.format(metrics))
        rid, st = self._open_run(run_id)
        with self._lock:
            now = _now_ms()
            events = []
            for k, v in metrics.items():
                ev = self._metric_event(st, rid, k, v, step, None)
                ev['timestamp'] = now
                events.append(ev)
            if events:
                self._append(rid, events)
            for ev in events:
                st.steps[ev['key']] = ev['step'] + 1

    def log_confusion_matrix(self, run_id, labels=None, counts=None, actual=None, predicted=None, name='test'):
        """Logs a confusion matrix from labels + counts[actual][predicted], or from actual and predicted
        labels (ordered like scikit-learn's unique_labels: the sorted union, unless labels= fixes the order).
        Returns {'labels': [...], 'counts': [[...]]}."""
        rid, _ = self._open_run(run_id)
        _check_name('The matrix name', name)
        if actual is not None or predicted is not None:
            if actual is None or predicted is None:
                raise MLOpsError('Give both actual= and predicted= (or labels= and counts=).')
            if counts is not None:
                raise MLOpsError('Give either counts= or actual= and predicted=, not both.')
            matrix = _confusion_from_pairs(actual, predicted, labels)
        elif counts is not None:
            if labels is None:
                raise MLOpsError('counts= needs labels= (the class labels in row order).')
            matrix = _validate_matrix(labels, counts)
        else:
            raise MLOpsError('log_confusion_matrix needs labels= and counts=, or actual= and predicted=.')
        self._append(rid, [{'type': 'confusion_matrix', 'runId': rid, 'name': name, 'matrix': matrix}])
        return matrix

    # ---- data

    def _data_path(self, path):
        if isinstance(path, os.PathLike):
            path = os.fspath(path)
        if not isinstance(path, str) or path == '':
            raise MLOpsError('A data source is the path of a CSV or TSV file; got {!r}.'.format(path))
        return os.path.join(self.workspace, path)

    def log_data(self, run_id, path, name=None):
        """Profiles a CSV/TSV file (columns, types, rows, nulls, distinct counts, statistics, SHA-256) and logs it.
        Relative paths are resolved against the workspace folder. Returns the profile."""
        rid, _ = self._open_run(run_id)
        if name is not None:
            _check_name('The dataset name', name)
        full = self._data_path(path)
        profile, _ = profile_file(full, name=name, shown=self._source_name(full))
        self._check_profile(profile)
        self._append(rid, [{'type': 'dataset', 'runId': rid, 'profile': profile}])
        return profile

    def log_data_distribution(self, run_id, path, column, bins=None, name=None):
        """Logs the distribution of one column: value counts (text, booleans, integer codes with at most 20
        values), or a histogram with quantiles. Returns the distribution."""
        rid, _ = self._open_run(run_id)
        _check_name('The column name', column, LIMITS['key'])
        if bins is not None and (isinstance(bins, bool) or not isinstance(bins, numbers.Integral) or not 1 <= bins <= 1000):
            raise MLOpsError('bins must be an integer from 1 to 1000; got {!r}.'.format(bins))
        if name is not None:
            _check_name('The dataset name', name)
        full = self._data_path(path)
        profile, dist = profile_file(full, name=name, distribution_of=column, bins=int(bins or DEFAULT_BINS),
                                     shown=self._source_name(full))
        self._check_profile(profile)
        self._append(rid, [{'type': 'distribution', 'runId': rid, 'dataset': profile['name'], 'distribution': dist}])
        return dist

    @staticmethod
    def _check_profile(profile):
        if _js_len(profile['name']) > LIMITS['name']:
            raise MLOpsError('The dataset name "{}" is longer than {} characters; pass name= with a shorter one.'
                             .format(_short(profile['name']), LIMITS['name']))
        if _js_len(profile['source']) > LIMITS['value']:
            raise MLOpsError('The data path is longer than {} characters.'.format(LIMITS['value']))

    # ---- annotations (allowed on ended runs too: they are edits, like those made in the UI)

    def tag(self, run_id, key, value):
        """Sets a tag on a run; value None removes it."""
        _check_name('The tag name', key, LIMITS['key'])
        if value is not None:
            _check_text('The value of tag "{}"'.format(key), value, LIMITS['value'])
        rid = self._run_id(run_id)
        self._append(rid, [{'type': 'tag', 'runId': rid, 'key': key, 'value': value}], allow_ended=True)

    def note(self, run_id, text):
        """Sets the run's note (replacing an earlier one)."""
        _check_text('The note', text, LIMITS['note'])
        rid = self._run_id(run_id)
        self._append(rid, [{'type': 'note', 'runId': rid, 'text': text}], allow_ended=True)

    def _run_id(self, run_id):
        return self._state(run_id)[0]


def _has_ended(path, run_id):
    """Whether a run file (written by another process) already holds its run_ended event."""
    needle = b'"type":"run_ended"'
    try:
        with _builtin_open(path, 'rb') as f:
            for line in f:
                if needle in line:
                    try:
                        e = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(e, dict) and e.get('runId') == run_id:
                        return True
    except OSError:
        return False
    return False


def _script_path():
    main = sys.modules.get('__main__')
    path = getattr(main, '__file__', None) or (sys.argv[0] if sys.argv else None)
    if not path or path in ('-c', '-m', '-') or not os.path.isfile(path):
        return None
    return os.path.abspath(path)


# ------------------------------------------------------------------------------------------ runs

class Run:
    """A run: its ids, and the context's logging methods without the run id. Also a context manager."""

    def __init__(self, ctx, run_id, experiment_id, experiment_name, name, start_time):
        self.context = ctx
        self.run_id = run_id
        self.experiment_id = experiment_id
        self.experiment_name = experiment_name
        self.name = name
        self.start_time = start_time

    def __repr__(self):
        return 'Run(run_id={!r}, experiment_name={!r}, name={!r})'.format(self.run_id, self.experiment_name, self.name)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        _, st = self.context._state(self.run_id)
        if not st.ended:
            if exc_type is None:
                status = 'finished'
            elif issubclass(exc_type, KeyboardInterrupt):
                status = 'killed'
            else:
                status = 'failed'
            self.context.end_run(self.run_id, status)
        return False

    @property
    def ended(self):
        return self.context._state(self.run_id)[1].ended

    def end(self, status='finished'):
        return self.context.end_run(self.run_id, status)

    def set_training_time(self, ms):
        return self.context.set_training_time(self.run_id, ms)

    def log_hyper_parameters(self, trainer):
        return self.context.log_hyper_parameters(self.run_id, trainer)

    def log_hyper_parameter(self, name, value):
        return self.context.log_hyper_parameter(self.run_id, name, value)

    def log_metric(self, key, value, step=None, timestamp=None):
        return self.context.log_metric(self.run_id, key, value, step=step, timestamp=timestamp)

    def log_metrics(self, metrics, step=None):
        return self.context.log_metrics(self.run_id, metrics, step=step)

    def log_confusion_matrix(self, labels=None, counts=None, actual=None, predicted=None, name='test'):
        return self.context.log_confusion_matrix(self.run_id, labels=labels, counts=counts, actual=actual,
                                                 predicted=predicted, name=name)

    def log_data(self, path, name=None):
        return self.context.log_data(self.run_id, path, name=name)

    def log_data_distribution(self, path, column, bins=None, name=None):
        return self.context.log_data_distribution(self.run_id, path, column, bins=bins, name=name)

    def tag(self, key, value):
        return self.context.tag(self.run_id, key, value)

    def note(self, text):
        return self.context.note(self.run_id, text)


# ------------------------------------------------------------------------------------------ module-level API

_default = None
_default_lock = threading.Lock()


def _ctx():
    """The default context: the workspace in $MLOPS_WORKSPACE, else the current directory at first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = MLOpsContext(os.environ.get('MLOPS_WORKSPACE') or '.')
        return _default


def create_experiment(name):
    return _ctx().create_experiment(name)


def create_run(experiment_name=None, name=None, experiment_id=None):
    return _ctx().create_run(experiment_name=experiment_name, name=name, experiment_id=experiment_id)


def start_run(experiment_name=None, name=None, experiment_id=None):
    return _ctx().start_run(experiment_name=experiment_name, name=name, experiment_id=experiment_id)


def end_run(run_id, status='finished'):
    return _ctx().end_run(run_id, status)


def set_training_time(run_id, ms):
    return _ctx().set_training_time(run_id, ms)


def log_hyper_parameters(run_id, trainer):
    return _ctx().log_hyper_parameters(run_id, trainer)


def log_hyper_parameter(run_id, name, value):
    return _ctx().log_hyper_parameter(run_id, name, value)


def log_metric(run_id, key, value, step=None, timestamp=None):
    return _ctx().log_metric(run_id, key, value, step=step, timestamp=timestamp)


def log_metrics(run_id, metrics, step=None):
    return _ctx().log_metrics(run_id, metrics, step=step)


def log_confusion_matrix(run_id, labels=None, counts=None, actual=None, predicted=None, name='test'):
    return _ctx().log_confusion_matrix(run_id, labels=labels, counts=counts, actual=actual, predicted=predicted, name=name)


def log_data(run_id, path, name=None):
    return _ctx().log_data(run_id, path, name=name)


def log_data_distribution(run_id, path, column, bins=None, name=None):
    return _ctx().log_data_distribution(run_id, path, column, bins=bins, name=name)


def tag(run_id, key, value):
    return _ctx().tag(run_id, key, value)


def note(run_id, text):
    return _ctx().note(run_id, text)
