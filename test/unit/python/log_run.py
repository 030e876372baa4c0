"""Logs a realistic run with python/mlops_tracking.py into a workspace, then prints what it logged as JSON.

Used by python.test.ts: python3 log_run.py <workspace> <path of titanic-train.csv>
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', '..', 'python'))

import mlops_tracking  # noqa: E402

workspace, titanic = sys.argv[1], sys.argv[2]
ctx = mlops_tracking.open(workspace)

with ctx.start_run('Titanic', name='py-random-forest') as run:
    data = run.log_data(titanic)
    age = run.log_data_distribution(titanic, 'Age', bins=15)
    sex = run.log_data_distribution(titanic, 'Sex')
    params = run.log_hyper_parameters({
        'algorithm': 'RandomForestClassifier', 'n_estimators': 200, 'max_depth': 8, 'criterion': 'gini',
        'class_weight': None, 'bootstrap': True, 'max_features': 0.5, 'layers': [64, 32],
        'optimizer': {'name': 'adam', 'beta1': 0.9, 'epsilon': 1e-8},
    })
    run.log_hyper_parameter('seed', 42)
    losses = [0.693, 0.52, float('nan'), 0.41, float('inf'), float('-inf'), 0.35, 1e-12]
    for i, loss in enumerate(losses):
        run.log_metric('loss', loss, timestamp=1700000000000 + i * 1000)
    run.log_metrics({'accuracy': 0.8212, 'f1': 0.77}, step=5)
    run.log_metric('accuracy', 0.83)  # the default step continues after 5
    actual = ['died', 'survived', 'died', 'died', 'survived', 'survived', 'died']
    predicted = ['died', 'survived', 'survived', 'died', 'died', 'survived', 'died']
    matrix = run.log_confusion_matrix(actual=actual, predicted=predicted)
    run.tag('model', 'random-forest')
    run.note('logged from Python')

print(json.dumps({
    'runId': run.run_id, 'experimentId': run.experiment_id, 'startTime': run.start_time,
    'profile': data, 'distributions': {'Age': age, 'Sex': sex}, 'params': params,
    'losses': [mlops_tracking._encode_number(x) for x in losses], 'matrix': matrix,
}))
