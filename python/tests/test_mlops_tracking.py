"""Tests of python/mlops_tracking.py: python3 -m unittest discover -s python/tests -v (from the repository root)."""

import contextlib
import dataclasses
import hashlib
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'python'))

import mlops_tracking as mt  # noqa: E402

TITANIC = os.path.join(ROOT, 'test', 'fixtures', 'tabular', 'titanic-train.csv')

# The reader's fast path for metric lines (src/ingest/parse.ts), copied to check the key order we write.
METRIC_LINE = re.compile(
    r'^\{"v":1,"ts":\d+,"type":"metric","runId":"([0-9A-Za-z_-]{1,64})","key":"([^"\\\x00-\x1f]{1,250})",'
    r'"value":(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|"NaN"|"Infinity"|"-Infinity"),"step":(-?\d+),"timestamp":(\d+)\}\r?$')


def git_available():
    try:
        subprocess.run(['git', '--version'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return True
    except (OSError, subprocess.CalledProcessError):
        return False


class Workspace(unittest.TestCase):
    """A fresh workspace folder per test."""

    def setUp(self):
        self.ws = tempfile.mkdtemp(prefix='mlops-py-')
        self.addCleanup(shutil.rmtree, self.ws, True)
        self.ctx = mt.open(self.ws)

    def write(self, name, data):
        path = os.path.join(self.ws, name)
        with open(path, 'wb') as f:
            f.write(data if isinstance(data, bytes) else data.encode('utf-8'))
        return path

    def events(self, run):
        path = self.run_file(run)
        with open(path, 'rb') as f:
            raw = f.read()
        self.assertTrue(raw.endswith(b'\n'), 'the file ends with a newline')
        return [json.loads(line) for line in raw.decode('utf-8').split('\n')[:-1]]

    def last(self, run):
        return self.events(run)[-1]

    def run_file(self, run):
        rid = run.run_id if isinstance(run, mt.Run) else run
        runs = os.path.join(self.ws, '.mlops', 'runs')
        for d in os.listdir(runs):
            f = os.path.join(runs, d, rid + '.jsonl')
            if os.path.exists(f):
                return f
        self.fail('no file for run ' + rid)

    def snapshot(self):
        out = {}
        base = os.path.join(self.ws, '.mlops')
        for dirpath, _, files in os.walk(base):
            for f in files:
                p = os.path.join(dirpath, f)
                with open(p, 'rb') as fh:
                    out[p] = fh.read()
        return out

    @contextlib.contextmanager
    def writes_nothing(self, exc=mt.MLOpsError, pattern=None):
        """The block raises `exc` (a ValueError), with a message matching `pattern`, and no log byte changes."""
        before = self.snapshot()
        with self.assertRaises(exc) as cm:
            yield cm
        self.assertIsInstance(cm.exception, ValueError)
        if pattern:
            self.assertRegex(str(cm.exception), pattern)
        self.assertEqual(before, self.snapshot(), 'bad input must not change any log file')


# --------------------------------------------------------------------------------------------- format

class FormatTest(Workspace):
    def test_experiment_id_is_the_sha256_prefix_of_the_trimmed_nfc_name(self):
        self.assertEqual(mt.experiment_id_for('Titanic'), 'd62ad8461b34a645')  # computed by src/ingest/ids.ts
        self.assertEqual(mt.experiment_id_for('  Titanic\n'), 'd62ad8461b34a645')
        self.assertEqual(mt.experiment_id_for('Cafe\u0301'), mt.experiment_id_for('Caf\u00e9'))
        self.assertEqual(mt.experiment_id_for('\ufeffTitanic\u3000'), 'd62ad8461b34a645')  # JavaScript trim() spaces

    def test_experiment_dir_name_slug(self):
        eid = mt.experiment_id_for('x')
        self.assertEqual(mt.experiment_dir_name('Titanic', 'd62ad8461b34a645'), 'Titanic-d62ad846')
        self.assertEqual(mt.experiment_dir_name('Caf\u00e9: v2 ', eid), 'Cafe-v2-' + eid[:8])
        self.assertEqual(mt.experiment_dir_name('\u65e5\u672c', eid), 'experiment-' + eid[:8])
        self.assertEqual(mt.experiment_dir_name('..a/b\\c..', eid), 'a-b-c-' + eid[:8])
        self.assertEqual(mt.experiment_dir_name('x' * 70, eid), 'x' * 60 + '-' + eid[:8])

    def test_run_ids_are_32_hex_digits(self):
        ids = {mt.new_run_id() for _ in range(100)}
        self.assertEqual(len(ids), 100)
        for i in ids:
            self.assertRegex(i, r'^[0-9a-f]{32}$')

    def test_lines_are_compact_utf8_json_with_the_envelope(self):
        run = self.ctx.create_run(experiment_name='Format', name='\u00e9t\u00e9 \U0001f600')
        with open(self.run_file(run), 'rb') as f:
            raw = f.read()
        self.assertIn('\u00e9t\u00e9 \U0001f600'.encode('utf-8'), raw, 'non-ASCII text is written as UTF-8, not \\u escapes')
        self.assertNotIn(b': ', raw)
        e = json.loads(raw)
        self.assertEqual((e['v'], e['type']), (1, 'run_created'))
        self.assertIsInstance(e['ts'], int)

    def test_unpaired_surrogates_are_refused(self):
        run = self.ctx.create_run(experiment_name='Format')
        with self.writes_nothing(pattern='surrogate'):
            run.tag('k', 'bad \ud800 text')

    def test_limits_count_utf16_code_units(self):
        run = self.ctx.create_run(experiment_name='Limits')
        run.log_metric('\U0001f600' * 125, 1.0)  # 250 UTF-16 code units: at the limit
        with self.writes_nothing(pattern='250'):
            run.log_metric('\U0001f600' * 126, 1.0)
        with self.writes_nothing(pattern='256'):
            self.ctx.create_run(experiment_name='e' * 257)
        with self.writes_nothing(pattern='8000'):
            run.tag('k', 'v' * 8001)
        with self.writes_nothing(pattern='50000'):
            run.note('n' * 50001)
        run.note('n' * 50000)


# --------------------------------------------------------------------------------------------- life cycle

class LifeCycleTest(Workspace):
    def test_create_experiment_once(self):
        e = self.ctx.create_experiment('  Titanic ')
        self.assertEqual((e.experiment_id, e.name), ('d62ad8461b34a645', 'Titanic'))
        self.ctx.create_experiment('Titanic')
        f = os.path.join(self.ws, '.mlops', 'runs', 'Titanic-d62ad846', 'experiment.jsonl')
        with open(f) as fh:
            lines = fh.read().splitlines()
        self.assertEqual(len(lines), 1)
        ev = json.loads(lines[0])
        self.assertEqual({k: ev[k] for k in ('type', 'experimentId', 'name')},
                         {'type': 'experiment_created', 'experimentId': 'd62ad8461b34a645', 'name': 'Titanic'})

    def test_existing_experiment_folder_is_found_by_id_suffix(self):
        eid = mt.experiment_id_for('Titanic')
        os.makedirs(os.path.join(self.ws, '.mlops', 'runs', 'renamed-' + eid[:8]))
        run = self.ctx.create_run(experiment_name='Titanic')
        self.assertEqual(os.path.basename(os.path.dirname(self.run_file(run))), 'renamed-' + eid[:8])

    def test_create_run_writes_run_created_first(self):
        run = self.ctx.create_run(experiment_name='Titanic', name='baseline')
        self.assertRegex(run.run_id, r'^[0-9a-f]{32}$')
        self.assertEqual((run.experiment_id, run.experiment_name, run.name), ('d62ad8461b34a645', 'Titanic', 'baseline'))
        evs = self.events(run)
        self.assertEqual(len(evs), 1)
        e = evs[0]
        self.assertEqual(e['type'], 'run_created')
        self.assertEqual((e['runId'], e['experimentId'], e['name']), (run.run_id, 'd62ad8461b34a645', 'baseline'))
        self.assertEqual(e['startTime'], run.start_time)
        self.assertEqual(self.run_file(run), os.path.join(self.ws, '.mlops', 'runs', 'Titanic-d62ad846', run.run_id + '.jsonl'))

    def test_optional_fields_are_left_out_not_null(self):
        run = self.ctx.create_run(experiment_name='Titanic')
        e = self.events(run)[0]
        self.assertNotIn('name', e)
        self.assertNotIn(None, e.values())

    def test_create_run_by_experiment_id(self):
        exp = self.ctx.create_experiment('By id')
        run = self.ctx.create_run(experiment_id=exp.experiment_id)
        self.assertEqual(run.experiment_name, 'By id')
        with self.writes_nothing(pattern='Unknown experiment id'):
            self.ctx.create_run(experiment_id='0123456789abcdef')

    def test_bad_names_write_nothing(self):
        self.ctx.create_experiment('Titanic')
        for bad in ('', '   ', None, 3):
            with self.writes_nothing():
                self.ctx.create_run(experiment_name=bad) if bad is not None else self.ctx.create_run()
        with self.writes_nothing(pattern='run name'):
            self.ctx.create_run(experiment_name='Titanic', name=' ')
        with self.writes_nothing(pattern='experiment name'):
            self.ctx.create_experiment('')

    def test_workspace_must_be_a_folder(self):
        with self.assertRaisesRegex(mt.MLOpsError, 'not a folder'):
            mt.open(os.path.join(self.ws, 'missing'))

    def test_end_run(self):
        run = self.ctx.create_run(experiment_name='Titanic')
        self.ctx.end_run(run.run_id)
        e = self.last(run)
        self.assertEqual((e['type'], e['status']), ('run_ended', 'finished'))
        self.assertGreaterEqual(e['endTime'], run.start_time)
        self.assertEqual(e['trainingTimeMs'], e['endTime'] - run.start_time)
        with self.writes_nothing(pattern='has ended'):
            self.ctx.end_run(run.run_id)
        with self.writes_nothing(pattern='has ended'):
            run.log_metric('loss', 1)
        with self.writes_nothing(pattern='has ended'):
            run.log_data('missing.csv')  # refused before the file is even looked at
        with self.writes_nothing(pattern='has ended'):
            run.log_hyper_parameters({'a': 1})
        self.assertTrue(run.ended)

    def test_end_run_statuses(self):
        for status in ('failed', 'killed'):
            run = self.ctx.create_run(experiment_name='Titanic')
            run.end(status)
            self.assertEqual(self.last(run)['status'], status)
        run = self.ctx.create_run(experiment_name='Titanic')
        with self.writes_nothing(pattern='not one of finished, failed, killed'):
            run.end('done')

    def test_set_training_time_is_kept_by_end_run(self):
        run = self.ctx.create_run(experiment_name='Titanic')
        run.set_training_time(1234.5)
        self.assertEqual(self.last(run), dict(self.last(run), type='training_time', runId=run.run_id, ms=1234.5))
        run.end()
        self.assertEqual(self.last(run)['trainingTimeMs'], 1234.5)
        run2 = self.ctx.create_run(experiment_name='Titanic')
        for bad in (-1, float('nan'), float('inf'), 'ten', None, True):
            with self.writes_nothing(pattern='training time'):
                run2.set_training_time(bad)

    def test_unknown_and_malformed_run_ids(self):
        self.ctx.create_run(experiment_name='Titanic')
        with self.writes_nothing(pattern='Unknown run id'):
            self.ctx.log_metric('0' * 32, 'loss', 1)
        for bad in ('../x', '', None, 'a' * 65, 5):
            with self.writes_nothing(pattern='not a run id'):
                self.ctx.log_metric(bad, 'loss', 1)

    def test_runs_created_elsewhere_are_found_and_their_end_is_seen(self):
        run = self.ctx.create_run(experiment_name='Titanic')
        other = mt.open(self.ws)  # as another process would
        other.log_metric(run.run_id, 'loss', 0.5, step=7)
        self.assertEqual(self.last(run)['step'], 7)
        self.ctx.end_run(run.run_id)
        third = mt.open(self.ws)
        with self.writes_nothing(pattern='has ended'):
            third.log_metric(run.run_id, 'loss', 0.4)
        third.tag(run.run_id, 'after', 'end')  # edits stay allowed

    def test_git_info_excludes_mlops(self):
        if not git_available():
            self.skipTest('git is not installed')
        env = dict(os.environ, GIT_AUTHOR_NAME='t', GIT_AUTHOR_EMAIL='t@e', GIT_COMMITTER_NAME='t', GIT_COMMITTER_EMAIL='t@e')

        def git(*args):
            return subprocess.run(('git',) + args, cwd=self.ws, env=env, check=True, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL).stdout.decode().strip()
        git('init', '-q')
        git('checkout', '-q', '-b', 'trunk')
        self.write('train.py', 'print(1)\n')
        git('add', 'train.py')
        git('commit', '-q', '-m', 'init')
        head = git('rev-parse', 'HEAD')
        os.makedirs(os.path.join(self.ws, '.mlops'), exist_ok=True)
        git('add', '-A')  # even tracked .mlops files do not make the tree dirty
        git('commit', '-q', '-m', 'x', '--allow-empty')
        head = git('rev-parse', 'HEAD')
        run = self.ctx.create_run(experiment_name='Git')
        git('add', '-A', '.mlops')
        git('commit', '-q', '-m', 'logs')
        run.log_metric('m', 1)  # a tracked log file changes
        run2 = self.ctx.create_run(experiment_name='Git')
        self.assertEqual(self.events(run)[0]['git'], {'commit': head, 'branch': 'trunk', 'dirty': False})
        self.assertFalse(self.events(run2)[0]['git']['dirty'])
        self.write('train.py', 'print(2)\n')
        run3 = self.ctx.create_run(experiment_name='Git')
        self.assertTrue(self.events(run3)[0]['git']['dirty'])

    def test_no_git_info_outside_a_repository(self):
        run = self.ctx.create_run(experiment_name='NoGit')
        # a temp folder is not inside a repository (unless TMPDIR is)
        e = self.events(run)[0]
        if 'git' in e:
            self.assertRegex(e['git']['commit'], r'^[0-9a-f]{40}')

    def test_source_is_the_workspace_relative_script(self):
        script = self.write('train.py', textwrap.dedent('''
            import sys
            sys.path.insert(0, {!r})
            import mlops_tracking
            run = mlops_tracking.open({!r}).create_run(experiment_name='Src')
            print(run.run_id)
        ''').format(os.path.join(ROOT, 'python'), self.ws))
        out = subprocess.run([sys.executable, script], cwd=self.ws, check=True, stdout=subprocess.PIPE).stdout.decode().strip()
        self.assertEqual(self.events(out)[0]['source'], 'train.py')


class ContextManagerTest(Workspace):
    def test_finished(self):
        with self.ctx.start_run('CM', name='ok') as run:
            run.log_metric('loss', 1)
        self.assertEqual(self.last(run)['status'], 'finished')
        self.assertTrue(run.ended)

    def test_failed_on_exception_which_propagates(self):
        with self.assertRaises(ZeroDivisionError):
            with self.ctx.start_run('CM') as run:
                1 / 0
        self.assertEqual(self.last(run)['status'], 'failed')

    def test_killed_on_keyboard_interrupt(self):
        with self.assertRaises(KeyboardInterrupt):
            with self.ctx.start_run('CM') as run:
                raise KeyboardInterrupt()
        self.assertEqual(self.last(run)['status'], 'killed')

    def test_ended_inside_the_block_is_not_ended_twice(self):
        with self.ctx.start_run('CM') as run:
            run.end('killed')
        ends = [e for e in self.events(run) if e['type'] == 'run_ended']
        self.assertEqual([e['status'] for e in ends], ['killed'])

    def test_module_level_functions_use_a_default_context(self):
        old_default, old_env = mt._default, os.environ.get('MLOPS_WORKSPACE')
        mt._default = None
        os.environ['MLOPS_WORKSPACE'] = self.ws
        try:
            with mt.start_run('Module') as run:
                mt.log_metric(run.run_id, 'acc', 0.5)
                mt.log_metrics(run.run_id, {'f1': 0.1})
                mt.log_hyper_parameter(run.run_id, 'lr', 0.1)
                mt.log_hyper_parameters(run.run_id, {'depth': 3})
                mt.log_confusion_matrix(run.run_id, actual=[1, 0], predicted=[1, 1])
                mt.tag(run.run_id, 't', 'v')
                mt.note(run.run_id, 'n')
                mt.set_training_time(run.run_id, 5)
            self.assertEqual([e['type'] for e in self.events(run)],
                             ['run_created', 'metric', 'metric', 'params', 'params', 'confusion_matrix', 'tag', 'note',
                              'training_time', 'run_ended'])
            run2 = mt.create_run(experiment_name='Module')
            mt.end_run(run2.run_id, 'failed')
            self.assertEqual(mt.create_experiment('Module').name, 'Module')
        finally:
            mt._default = old_default
            if old_env is None:
                del os.environ['MLOPS_WORKSPACE']
            else:
                os.environ['MLOPS_WORKSPACE'] = old_env


# --------------------------------------------------------------------------------------------- metrics

class MetricTest(Workspace):
    def setUp(self):
        super().setUp()
        self.run = self.ctx.create_run(experiment_name='Metrics')

    def metrics(self):
        return [e for e in self.events(self.run) if e['type'] == 'metric']

    def test_default_steps_count_per_metric(self):
        for v in (0.9, 0.7, 0.5):
            self.run.log_metric('loss', v)
        self.run.log_metric('acc', 0.1)
        self.run.log_metric('loss', 0.4, step=10)
        self.run.log_metric('loss', 0.3)
        self.assertEqual([(e['key'], e['value'], e['step']) for e in self.metrics()],
                         [('loss', 0.9, 0), ('loss', 0.7, 1), ('loss', 0.5, 2), ('acc', 0.1, 0), ('loss', 0.4, 10), ('loss', 0.3, 11)])

    def test_nan_and_infinities_are_strings(self):
        for v in (float('nan'), float('inf'), float('-inf'), -0.0, 1e-300, 5, 2 ** 60):
            self.run.log_metric('x', v)
        values = [e['value'] for e in self.metrics()]
        self.assertEqual(values[:3], ['NaN', 'Infinity', '-Infinity'])
        self.assertEqual(values[3:], [-0.0, 1e-300, 5, 2 ** 60])

    def test_metric_lines_hit_the_readers_fast_path(self):
        self.run.log_metric('loss', 0.25, step=3, timestamp=1700000000000)
        self.run.log_metric('val/acc \u00e9', float('nan'))
        self.run.log_metric('big', 1e300)
        self.run.log_metric('small', -1.5e-7)
        self.run.log_metrics({'a': 1, 'b': float('-inf')}, step=2)
        with open(self.run_file(self.run), encoding='utf-8') as f:
            lines = [l.rstrip('\n') for l in f if '"type":"metric"' in l]
        self.assertEqual(len(lines), 6)
        for line in lines:
            self.assertRegex(line, METRIC_LINE)
        m = METRIC_LINE.match(lines[0])
        self.assertEqual(m.groups(), (self.run.run_id, 'loss', '0.25', '3', '1700000000000'))

    def test_timestamps(self):
        import datetime as dt
        self.run.log_metric('t', 1, timestamp=1700000000123.4)
        self.run.log_metric('t', 1, timestamp=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
        ms = [e['timestamp'] for e in self.metrics()]
        self.assertEqual(ms, [1700000000123, 1704067200000])
        self.run.log_metric('now', 1)
        e = self.metrics()[-1]
        self.assertEqual(e['timestamp'], e['ts'])

    def test_log_metrics_share_step_and_timestamp(self):
        self.run.log_metrics({'acc': 0.8, 'f1': 0.7})
        self.run.log_metrics({'acc': 0.9, 'f1': 0.75})
        self.run.log_metrics({'acc': 1.0}, step=9)
        ms = self.metrics()
        self.assertEqual([(e['key'], e['step']) for e in ms], [('acc', 0), ('f1', 0), ('acc', 1), ('f1', 1), ('acc', 9)])
        self.assertEqual(ms[0]['timestamp'], ms[1]['timestamp'])

    def test_numpy_like_scalars_are_numbers(self):
        class Scalar:
            def __init__(self, v):
                self.v = v

            def item(self):
                return self.v
        self.run.log_metric('x', Scalar(0.5))
        self.assertEqual(self.metrics()[-1]['value'], 0.5)

    def test_bad_metrics_write_nothing(self):
        for value in ('0.5', None, True, [1.0], {'a': 1}):
            with self.writes_nothing(pattern='must be a number'):
                self.run.log_metric('loss', value)
        for step in (1.5, '2', True, 2 ** 53):
            with self.writes_nothing(pattern='step'):
                self.run.log_metric('loss', 1, step=step)
        for ts in ('now', float('nan')):
            with self.writes_nothing(pattern='timestamp'):
                self.run.log_metric('loss', 1, timestamp=ts)
        for key in ('', '  ', None, 'k' * 251):
            with self.writes_nothing(pattern='metric name'):
                self.run.log_metric(key, 1)
        with self.writes_nothing(pattern='"f1" must be a number'):
            self.run.log_metrics({'acc': 0.5, 'f1': 'x'})  # the valid one is not written either
        with self.writes_nothing(pattern='dict'):
            self.run.log_metrics([('acc', 1)])
        # the step counter did not move
        self.run.log_metric('loss', 1)
        self.assertEqual(self.metrics()[-1]['step'], 0)


# --------------------------------------------------------------------------------------------- parameters

class FakeEstimator:
    """Shaped like a scikit-learn estimator: get_params(deep=False) and learned attributes ending in '_'."""

    def __init__(self, **params):
        self._params = params
        for k, v in params.items():
            setattr(self, k, v)

    def get_params(self, deep=True):
        return dict(self._params)

    def fit(self):
        self.coef_ = [1.0, 2.0]
        return self


class RandomForestClassifier(FakeEstimator):
    pass


class DecisionTreeClassifier(FakeEstimator):
    pass


class StandardScaler(FakeEstimator):
    pass


class Pipeline(FakeEstimator):
    pass


@dataclasses.dataclass
class TrainConfig:
    lr: float = 0.01
    layers: tuple = (64, 32)
    extra: dict = dataclasses.field(default_factory=lambda: {'dropout': 0.5})


class HyperParameterTest(Workspace):
    def setUp(self):
        super().setUp()
        self.run = self.ctx.create_run(experiment_name='Params')

    def test_dict_flattening_like_the_typescript_sdk(self):
        got = self.run.log_hyper_parameters({
            'algorithm': 'SDCA', 'lr': 0.1, 'epochs': 10, 'shuffle': True, 'seed': None,
            'optimizer': {'name': 'adam', 'beta1': 0.9}, 'layers': [64, 32], 'grid': [[1, 2], [3]],
            'schedule': [{'step': 10}, {'step': 20}], 'nan': float('nan'), 'inf': float('-inf'),
            'fn': len, 'cls': dict, 'big': 2 ** 60, 'when': __import__('datetime').date(2024, 1, 2),
        })
        self.assertEqual(got['algorithm'], 'SDCA')
        self.assertEqual(got['params'], {
            'lr': 0.1, 'epochs': 10, 'shuffle': True, 'seed': None, 'optimizer.name': 'adam', 'optimizer.beta1': 0.9,
            'layers': '[64,32]', 'grid': '[[1,2],[3]]', 'schedule.0.step': 10, 'schedule.1.step': 20,
            'nan': 'NaN', 'inf': '-Infinity', 'big': str(2 ** 60), 'when': '2024-01-02',
        })
        e = self.last(self.run)
        self.assertEqual((e['type'], e['algorithm'], e['params']), ('params', 'SDCA', got['params']))

    def test_algorithm_field_order_and_default(self):
        self.assertEqual(mt.extract_hyper_parameters({'type': 't', 'name': 'n'}), ('n', {'type': 't'}))
        self.assertEqual(mt.extract_hyper_parameters({'depth': 3}), ('unknown', {'depth': 3}))
        self.assertEqual(mt.extract_hyper_parameters({'algorithm': '', 'name': 'x'}), ('x', {'algorithm': ''}))

    def test_estimators_use_get_params_and_ignore_learned_state(self):
        tree = DecisionTreeClassifier(max_depth=3, criterion='gini')
        rf = RandomForestClassifier(n_estimators=100, max_depth=None, estimator=tree, class_weight={'0': 1, '1': 2})
        before = mt.extract_hyper_parameters(rf)
        rf.fit()
        rf.estimators_ = [DecisionTreeClassifier(max_depth=3)]
        self.assertEqual(mt.extract_hyper_parameters(rf), before)
        self.assertEqual(before, ('RandomForestClassifier', {
            'n_estimators': 100, 'max_depth': None, 'estimator': 'DecisionTreeClassifier', 'estimator.max_depth': 3,
            'estimator.criterion': 'gini', 'class_weight.0': 1, 'class_weight.1': 2}))

    def test_pipeline_steps_are_named(self):
        pipe = Pipeline(steps=[('scaler', StandardScaler(with_mean=True)), ('clf', DecisionTreeClassifier(max_depth=2))],
                        memory=None)
        algorithm, params = mt.extract_hyper_parameters(pipe)
        self.assertEqual(algorithm, 'Pipeline')
        self.assertEqual(params, {'steps.scaler': 'StandardScaler', 'steps.scaler.with_mean': True,
                                  'steps.clf': 'DecisionTreeClassifier', 'steps.clf.max_depth': 2, 'memory': None})

    def test_objects_dataclasses_and_namespaces(self):
        class Trainer:
            def __init__(self):
                self.options = {'maxDepth': 5}
                self.maxDepth = 5
                self.gainFunction = 'gini'
                self._private = 1
                self.weights_ = [1, 2]
                self.tree = object()
                self.predict = lambda x: x
        self.assertEqual(mt.extract_hyper_parameters(Trainer()), ('Trainer', {'maxDepth': 5, 'gainFunction': 'gini'}))
        self.assertEqual(mt.extract_hyper_parameters(TrainConfig()),
                         ('TrainConfig', {'lr': 0.01, 'layers': '[64,32]', 'extra.dropout': 0.5}))
        import argparse
        ns = argparse.Namespace(model='resnet', lr=0.1)
        self.assertEqual(mt.extract_hyper_parameters(ns), ('unknown', {'model': 'resnet', 'lr': 0.1}))

    def test_keras_and_torch_shapes(self):
        class Adam:
            def __init__(self):
                self.defaults = {'lr': 0.001, 'betas': (0.9, 0.999)}
                self.param_groups = []
        self.assertEqual(mt.extract_hyper_parameters(Adam()),
                         ('Adam', {'optimizer': 'Adam', 'optimizer.lr': 0.001, 'optimizer.betas': '[0.9,0.999]'}))

        class KerasAdam:
            def get_config(self):
                return {'name': 'Adam', 'learning_rate': 0.01}

            def apply_gradients(self):
                pass

        class Sequential:
            optimizer = KerasAdam()
            loss = 'binary_crossentropy'

            def get_config(self):
                return {'name': 'seq', 'layers': [{'class_name': 'Dense', 'config': {'units': 64, 'activation': 'relu'}}]}

            def compile(self):
                pass
        algorithm, params = mt.extract_hyper_parameters(Sequential())
        self.assertEqual(algorithm, 'Sequential')
        self.assertEqual(params, {'name': 'seq', 'layers.0': 'Dense', 'layers.0.units': 64, 'layers.0.activation': 'relu',
                                  'optimizer': 'KerasAdam', 'optimizer.name': 'Adam', 'optimizer.learning_rate': 0.01,
                                  'loss': 'binary_crossentropy'})

    def test_bad_trainers_write_nothing(self):
        cyc = {'a': 1}
        cyc['self'] = cyc
        cases = [
            (RandomForestClassifier, 'pass an instance'),
            (None, 'must be a dict'),
            ('rf', 'must be a dict'),
            ([1, 2], 'must be a dict'),
            (cyc, 'cycle'),
            ({'a.b': 1, 'a': {'b': 2}}, 'twice'),
            ({'k' * 251: 1}, 'longer than 250'),
            ({'v': 'x' * 8001}, '8001 characters'),
            ({'p%d' % i: i for i in range(1001)}, 'more than 1000'),
            ({'algorithm': 'a' * 257}, 'longer than 256'),
        ]
        for trainer, pattern in cases:
            with self.writes_nothing(pattern=pattern):
                self.run.log_hyper_parameters(trainer)

    def test_log_hyper_parameter(self):
        self.run.log_hyper_parameter('lr', 0.01)
        self.run.log_hyper_parameter('solver', 'adam')
        self.run.log_hyper_parameter('shuffle', False)
        self.run.log_hyper_parameter('seed', None)
        params = [e['params'] for e in self.events(self.run) if e['type'] == 'params']
        self.assertEqual(params, [{'lr': 0.01}, {'solver': 'adam'}, {'shuffle': False}, {'seed': None}])
        self.assertNotIn('algorithm', self.last(self.run))
        for value in (float('nan'), float('inf'), [1, 2], {'a': 1}):
            with self.writes_nothing(pattern='finite number'):
                self.run.log_hyper_parameter('x', value)
        with self.writes_nothing(pattern='parameter name'):
            self.run.log_hyper_parameter('', 1)
        with self.writes_nothing(pattern='8000'):
            self.run.log_hyper_parameter('x', 'y' * 8001)


# --------------------------------------------------------------------------------------------- confusion matrices

class ConfusionMatrixTest(Workspace):
    def setUp(self):
        super().setUp()
        self.run = self.ctx.create_run(experiment_name='Matrices')

    def test_sorted_union_like_unique_labels(self):
        m = self.run.log_confusion_matrix(actual=[10, 2, 2, 1], predicted=[2, 2, 1, 1])
        self.assertEqual(m, {'labels': ['1', '2', '10'], 'counts': [[1, 0, 0], [1, 1, 0], [0, 1, 0]]})
        e = self.last(self.run)
        self.assertEqual((e['type'], e['name'], e['matrix']), ('confusion_matrix', 'test', m))
        self.assertEqual(self.run.log_confusion_matrix(actual=['b', 'a', 'B'], predicted=['\u00e9', 'a', 'Z'])['labels'],
                         ['B', 'Z', 'a', 'b', '\u00e9'])
        self.assertEqual(self.run.log_confusion_matrix(actual=[True, False], predicted=[True, True])['labels'], ['false', 'true'])
        self.assertEqual(self.run.log_confusion_matrix(actual=[1.0, 0.0], predicted=[1, 1])['labels'], ['0', '1'])
        self.assertEqual(self.run.log_confusion_matrix(actual=['\uffff', '\U0001f600'], predicted=['a', 'a'])['labels'],
                         ['a', '\uffff', '\U0001f600'], 'code point order, like Python and scikit-learn')

    def test_labels_fix_the_order(self):
        m = self.run.log_confusion_matrix(actual=['cat', 'dog'], predicted=['dog', 'dog'], labels=['dog', 'cat', 'bird'], name='val')
        self.assertEqual(m, {'labels': ['dog', 'cat', 'bird'], 'counts': [[1, 0, 0], [1, 0, 0], [0, 0, 0]]})
        self.assertEqual(self.last(self.run)['name'], 'val')

    def test_from_counts(self):
        m = self.run.log_confusion_matrix(labels=['no', 'yes'], counts=[[50, 10], [5, 35]], name='train')
        self.assertEqual(m, {'labels': ['no', 'yes'], 'counts': [[50, 10], [5, 35]]})
        self.assertEqual(self.run.log_confusion_matrix(labels=[0, 1], counts=((1, 0), (0, 1)))['labels'], ['0', '1'])

    def test_bad_matrices_write_nothing(self):
        cases = [
            (dict(actual=[1, 2], predicted=[1]), 'actual has 2 values but predicted has 1'),
            (dict(actual=[], predicted=[]), 'empty'),
            (dict(actual=[1, 'a'], predicted=[1, 1]), 'one label type'),
            (dict(actual=[0.5], predicted=[1]), 'not a class label'),
            (dict(actual=[None], predicted=[1]), 'labels must be'),
            (dict(actual=[1]), 'both actual= and predicted='),
            (dict(actual=['a'], predicted=['b'], labels=['a']), 'not in labels'),
            (dict(actual=['a'], predicted=['a'], labels=['a', 'a']), 'twice'),
            (dict(labels=['a', 'b'], counts=[[1, 2]]), '1 rows but there are 2 labels'),
            (dict(labels=['a', 'b'], counts=[[1, 2], [3]]), 'expected 2'),
            (dict(labels=['a', 'b'], counts=[[1, -2], [3, 4]]), 'non-negative integers'),
            (dict(labels=['a', 'b'], counts=[[1, 2.5], [3, 4]]), 'non-negative integers'),
            (dict(labels=['a'], counts=[[0]]), 'every count'.capitalize()),
            (dict(counts=[[1]]), 'needs labels='),
            (dict(), 'needs labels= and counts='),
            (dict(actual=list(range(1001)), predicted=list(range(1001))), 'more than 1000 distinct labels'),
            (dict(actual=[1], predicted=[1], name=''), 'matrix name'),
        ]
        for kwargs, pattern in cases:
            with self.writes_nothing(pattern=pattern):
                self.run.log_confusion_matrix(**kwargs)


# --------------------------------------------------------------------------------------------- data

@unittest.skipUnless(os.path.exists(TITANIC), 'test/fixtures/tabular/titanic-train.csv is missing')
class TitanicProfileTest(Workspace):
    @classmethod
    def setUpClass(cls):
        import csv
        with open(TITANIC, newline='', encoding='utf-8') as f:
            cls.rows = list(csv.DictReader(f))

    def setUp(self):
        super().setUp()
        self.run = self.ctx.create_run(experiment_name='Titanic')
        self.profile = self.run.log_data(TITANIC)
        self.cols = {c['name']: c for c in self.profile['columns']}

    def column(self, name):
        return [r[name] for r in self.rows]

    def test_the_logged_event(self):
        e = self.last(self.run)
        self.assertEqual((e['type'], e['profile']), ('dataset', self.profile))

    def test_rows_columns_hash(self):
        with open(TITANIC, 'rb') as f:
            data = f.read()
        p = self.profile
        self.assertEqual((p['name'], p['format'], p['rows'], p['bytes']), ('titanic-train.csv', 'csv', 891, len(data)))
        self.assertEqual(p['sha256'], hashlib.sha256(data).hexdigest())
        self.assertEqual(p['source'], os.path.abspath(TITANIC), 'outside the workspace: an absolute path')
        self.assertEqual(list(self.cols), ['PassengerId', 'Survived', 'Pclass', 'Name', 'Sex', 'Age', 'SibSp', 'Parch',
                                           'Ticket', 'Fare', 'Cabin', 'Embarked'])

    def test_types_and_nulls(self):
        types = {n: c['type'] for n, c in self.cols.items()}
        self.assertEqual(types, {'PassengerId': 'integer', 'Survived': 'integer', 'Pclass': 'integer', 'Name': 'string',
                                 'Sex': 'string', 'Age': 'float', 'SibSp': 'integer', 'Parch': 'integer',
                                 'Ticket': 'string', 'Fare': 'float', 'Cabin': 'string', 'Embarked': 'string'})
        nulls = {n: c['nulls'] for n, c in self.cols.items() if c['nulls']}
        self.assertEqual(nulls, {'Age': 177, 'Cabin': 687, 'Embarked': 2})
        for c in self.cols.values():
            self.assertTrue(c['distinctExact'])

    def test_distinct_counts_are_exact(self):
        for name in ('PassengerId', 'Sex', 'Pclass', 'Ticket', 'Cabin', 'Embarked', 'Name'):
            expected = len({v for v in self.column(name) if v != ''})
            self.assertEqual(self.cols[name]['distinct'], expected, name)
        ages = {float(v) for v in self.column('Age') if v}
        self.assertEqual(self.cols['Age']['distinct'], len(ages))

    def test_statistics(self):
        for name in ('Survived', 'Age', 'Fare', 'Pclass'):
            xs = [float(v) for v in self.column(name) if v != '']
            c = self.cols[name]
            self.assertEqual(c['min'], min(xs), name)
            self.assertEqual(c['max'], max(xs), name)
            self.assertAlmostEqual(c['mean'], math.fsum(xs) / len(xs), places=12, msg=name)
            self.assertAlmostEqual(c['std'], statistics.stdev(xs), places=12, msg=name)  # ddof=1
        self.assertEqual(self.cols['Survived']['mean'], 342 / 891)
        self.assertNotIn('mean', self.cols['Name'])

    def test_numeric_distribution(self):
        d = self.run.log_data_distribution(TITANIC, 'Age', bins=10)
        e = self.last(self.run)
        self.assertEqual((e['type'], e['dataset'], e['distribution']), ('distribution', 'titanic-train.csv', d))
        xs = sorted(float(v) for v in self.column('Age') if v)
        self.assertEqual((d['kind'], d['column'], d['total'], d['nulls']), ('numeric', 'Age', 891, 177))
        self.assertEqual(len(d['edges']), 11)
        self.assertEqual((d['edges'][0], d['edges'][-1]), (xs[0], xs[-1]))
        self.assertEqual(sum(d['counts']), len(xs))
        for i, n in enumerate(d['counts']):
            lo, hi = d['edges'][i], d['edges'][i + 1]
            inside = [x for x in xs if lo <= x < hi or (i == 9 and x == hi)]
            self.assertEqual(n, len(inside))

        def numpy_linear(p):
            h = (len(xs) - 1) * p
            lo = math.floor(h)
            return xs[lo] if lo + 1 >= len(xs) else xs[lo] + (h - lo) * (xs[lo + 1] - xs[lo])
        self.assertEqual([q['p'] for q in d['quantiles']], [0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1])
        for q in d['quantiles']:
            self.assertAlmostEqual(q['value'], numpy_linear(q['p']), places=9)
        self.assertEqual(d['quantiles'][4]['value'], 28)  # the median age, as pandas reports it

    def test_categorical_distributions(self):
        d = self.run.log_data_distribution(TITANIC, 'Embarked')
        self.assertEqual(d, {'kind': 'categorical', 'column': 'Embarked', 'total': 891, 'nulls': 2,
                             'values': [{'value': 'S', 'count': 644}, {'value': 'C', 'count': 168}, {'value': 'Q', 'count': 77}],
                             'other': 0})
        d = self.run.log_data_distribution(TITANIC, 'Pclass')  # integer codes with few values: value counts
        self.assertEqual(d['values'], [{'value': '3', 'count': 491}, {'value': '1', 'count': 216}, {'value': '2', 'count': 184}])
        d = self.run.log_data_distribution(TITANIC, 'Name')
        self.assertEqual((len(d['values']), d['other']), (50, 891 - 50))

    def test_name_and_workspace_relative_source(self):
        os.makedirs(os.path.join(self.ws, 'data'))
        shutil.copy(TITANIC, os.path.join(self.ws, 'data', 'train.csv'))
        p = self.run.log_data('data/train.csv', name='titanic')
        self.assertEqual((p['name'], p['source']), ('titanic', 'data/train.csv'))
        d = self.run.log_data_distribution(os.path.join('data', 'train.csv'), 'Sex', name='titanic')
        self.assertEqual(self.last(self.run)['dataset'], 'titanic')
        self.assertEqual(d['values'], [{'value': 'male', 'count': 577}, {'value': 'female', 'count': 314}])

    def test_bad_data_inputs_write_nothing(self):
        with self.writes_nothing(pattern='has no column "age". Available columns: "PassengerId"'):
            self.run.log_data_distribution(TITANIC, 'age')
        for bins in (0, 1001, 2.5, True):
            with self.writes_nothing(pattern='bins'):
                self.run.log_data_distribution(TITANIC, 'Age', bins=bins)
        with self.writes_nothing(pattern='column name'):
            self.run.log_data_distribution(TITANIC, '')
        with self.writes_nothing(pattern='dataset name'):
            self.run.log_data(TITANIC, name=' ')


class CsvProfileTest(Workspace):
    def setUp(self):
        super().setUp()
        self.run = self.ctx.create_run(experiment_name='Csv')

    def profile(self, text, name='d.csv'):
        self.write(name, text)
        p = self.run.log_data(name)
        return p, {c['name']: c for c in p['columns']}

    def test_type_inference(self):
        _, cols = self.profile(
            'i,f,b,d,dt,s,e,mixed,inull,big\n'
            '1,1.5,true,2024-01-02,2024-01-02T03:04:05,a,,1,1,9223372036854775807\n'
            '-2,2,False,2024-02-29,2024-01-02 03:04,b,NA,x,,18446744073709551616\n'
            '+3,1e3,TRUE,2023-12-31,2024-01-02T03:04:05.250,c,null,2,3,1\n')
        self.assertEqual({n: c['type'] for n, c in cols.items()}, {
            'i': 'integer', 'f': 'float', 'b': 'boolean', 'd': 'datetime', 'dt': 'datetime', 's': 'string',
            'e': 'empty', 'mixed': 'string', 'inull': 'float', 'big': 'string'})
        self.assertEqual((cols['i']['min'], cols['i']['max'], cols['i']['mean']), (-2, 3, 2 / 3))
        self.assertAlmostEqual(cols['i']['std'], statistics.stdev([1, -2, 3]), places=12)
        self.assertEqual((cols['d']['min'], cols['d']['max']), ('2023-12-31', '2024-02-29'))
        self.assertEqual((cols['dt']['min'], cols['dt']['max']), ('2024-01-02T03:04:00', '2024-01-02T03:04:05.250'))
        self.assertEqual((cols['e']['nulls'], cols['e']['distinct']), (3, 0))
        self.assertEqual(cols['b']['distinct'], 2)
        self.assertNotIn('min', cols['s'])

    def test_null_spellings(self):
        spellings = ['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>',
                     'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']
        _, cols = self.profile('x,y\n' + ''.join('"{}",1\n'.format(s) for s in spellings) + 'na,1\nNone ,1\n')
        self.assertEqual(cols['x']['nulls'], len(spellings))
        self.assertEqual((cols['x']['type'], cols['x']['distinct']), ('string', 2))

    def test_infinities_and_decimal_forms(self):
        _, cols = self.profile('x\n.5\n5.\ninf\n-Infinity\n 7 \n')
        c = cols['x']
        self.assertEqual((c['type'], c['min'], c['max'], c['distinct']), ('float', None, None, 5))
        self.assertIsNone(c['mean'])

    def test_numbers_read_like_pandas(self):
        # pandas' parser keeps 17 digits and scales once: it reads back what it wrote as the short value
        _, cols = self.profile('x\n0.054000000000000006\n0.9900700000000001\n1e308\n')
        self.assertEqual((cols['x']['min'], cols['x']['max']), (0.054, 1e308))
        _, cols = self.profile('x\n1.8e308\n')  # out of range: pandas reads the column as text
        self.assertEqual(cols['x']['type'], 'string')
        _, cols = self.profile('x\n18446744073709551615\n-9223372036854775808\n')  # uint64 and int64
        self.assertEqual((cols['x']['type'], cols['x']['max']), ('integer', 2.0 ** 64))

    def test_quotes_newlines_crlf_bom_and_blank_lines(self):
        data = b'\xef\xbb\xbfname,"note, with comma"\r\n"Smith, J.","line one\r\nline ""two"""\r\n\r\nDoe,plain\r\n'
        self.write('q.csv', data)
        p = self.run.log_data('q.csv')
        self.assertEqual([c['name'] for c in p['columns']], ['name', 'note, with comma'])
        self.assertEqual(p['rows'], 2)
        self.assertEqual(p['sha256'], hashlib.sha256(data).hexdigest(), 'the hash covers every byte, BOM included')
        d = self.run.log_data_distribution('q.csv', 'note, with comma')
        self.assertEqual(sorted(v['value'] for v in d['values']), ['line one\r\nline "two"', 'plain'])

    def test_lone_cr_line_ends_and_no_final_newline(self):
        p, cols = self.profile('a,b\r1,2\r3,4')
        self.assertEqual((p['rows'], cols['a']['max'], cols['b']['max']), (2, 3, 4))

    def test_delimiter_sniffing_and_decimal_comma(self):
        p, cols = self.profile('a\tb\n1\t2.5\n3\t4\n', name='t.tsv')
        self.assertEqual((p['format'], cols['b']['type']), ('tsv', 'float'))
        p, cols = self.profile('a;b;c\n7,4;1;x\n8,25;2;y\n', name='semi.csv')
        self.assertEqual((p['format'], cols['a']['type'], cols['a']['max']), ('csv', 'float', 8.25))
        p, cols = self.profile('a|b\n1|2\n', name='pipe.txt')
        self.assertEqual(list(cols), ['a', 'b'])

    def test_header_mangling_like_pandas(self):
        _, cols = self.profile('a,a,,a\n1,2,3,4\n')
        self.assertEqual(list(cols), ['a', 'a.1', 'Unnamed: 2', 'a.2'])

    def test_bad_files_write_nothing(self):
        cases = [
            ('missing.csv', None, 'does not exist'),
            ('empty.csv', b'', 'empty'),
            ('blank.csv', b'\n\n', 'no header'),
            ('header.csv', b'a,b\n', 'no data rows'),
            ('ragged.csv', b'a,b\n1,2\n3\n', r'ragged.csv, line 3: expected 2 fields'),
            ('quote.csv', b'a,b\n1,"open\n2,3\n', 'line 2 is never closed'),
            ('latin1.csv', b'a,b\n1,caf\xe9\n', 'not valid UTF-8: the byte at offset 9'),
            ('data.json', b'[{"a":1}]', 'CSV and TSV files only'),
            ('long.csv', ('x' * 251 + '\n1\n').encode(), 'longer than 250'),
        ]
        for name, data, pattern in cases:
            if data is not None:
                self.write(name, data)
            with self.writes_nothing(pattern=pattern):
                self.run.log_data(name)
        os.makedirs(os.path.join(self.ws, 'folder.csv'))
        with self.writes_nothing(pattern='is a directory'):
            self.run.log_data('folder.csv')
        with self.writes_nothing(pattern='data source'):
            self.run.log_data(None)


# --------------------------------------------------------------------------------------------- tags and notes

class TagNoteTest(Workspace):
    def test_tags_and_notes(self):
        run = self.ctx.create_run(experiment_name='Tags')
        run.tag('model', 'rf')
        run.tag('model', None)
        run.note('first\nsecond')
        self.assertEqual([(e['type'], e.get('key'), e.get('value', e.get('text'))) for e in self.events(run)[1:]],
                         [('tag', 'model', 'rf'), ('tag', 'model', None), ('note', None, 'first\nsecond')])
        run.end()
        run.tag('reviewed', 'yes')  # edits stay allowed after the end, as in the UI
        run.note('after')
        self.assertEqual(self.last(run)['text'], 'after')
        with self.writes_nothing(pattern='str'):
            run.tag('k', 3)
        with self.writes_nothing(pattern='tag name'):
            run.tag('', 'v')
        with self.writes_nothing(pattern='note must be a string'):
            run.note(None)


# --------------------------------------------------------------------------------------------- concurrency

CHILD = '''
import sys
sys.path.insert(0, sys.argv[1])
import mlops_tracking
ctx = mlops_tracking.open(sys.argv[2])
run_id, who, n = sys.argv[3], sys.argv[4], int(sys.argv[5])
for i in range(n):
    ctx.log_metrics(run_id, {who + '.a': i, who + '.b': i / 3}, step=i)
    if i % 50 == 0:
        ctx.tag(run_id, who + str(i), 'x' * 5000)
'''


class ConcurrencyTest(Workspace):
    def test_threads_and_processes_append_whole_lines(self):
        run = self.ctx.create_run(experiment_name='Concurrent')
        n = 300
        script = self.write('child.py', CHILD)
        procs = [subprocess.Popen([sys.executable, script, os.path.join(ROOT, 'python'), self.ws, run.run_id, 'p%d' % k, str(n)])
                 for k in range(2)]
        errors = []

        def work(k):
            try:
                for i in range(n):
                    run.log_metric('t%d' % k, i * 0.5, step=i)
                    if i % 50 == 0:
                        run.log_metrics({'t%d.x' % k: i, 't%d.y' % k: float('nan')}, step=i)
                        run.note('n' * 9000)
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)
        threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for p in procs:
            self.assertEqual(p.wait(timeout=120), 0)
        self.assertEqual(errors, [])
        with open(self.run_file(run), 'rb') as f:
            raw = f.read()
        self.assertTrue(raw.endswith(b'\n'))
        lines = raw.decode('utf-8').split('\n')[:-1]
        events = [json.loads(l) for l in lines]  # every line is one whole JSON object
        self.assertTrue(all(isinstance(e, dict) and e['v'] == 1 for e in events))
        for l, e in zip(lines, events):
            if e['type'] == 'metric':
                self.assertRegex(l, METRIC_LINE)
        metric_counts = {}
        for e in events:
            if e['type'] == 'metric':
                metric_counts[e['key']] = metric_counts.get(e['key'], 0) + 1
        for k in range(4):
            self.assertEqual(metric_counts['t%d' % k], n)
            self.assertEqual(metric_counts['t%d.x' % k], n // 50)
        for k in range(2):
            self.assertEqual(metric_counts['p%d.a' % k], n)
            self.assertEqual(sorted(e['step'] for e in events if e.get('key') == 'p%d.b' % k), list(range(n)))
        self.assertEqual(sum(1 for e in events if e['type'] == 'tag'), 2 * (n // 50))
        self.assertEqual(sum(1 for e in events if e['type'] == 'note'), 4 * (n // 50))


if __name__ == '__main__':
    unittest.main()
