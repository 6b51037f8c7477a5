"Run All, as a person does in JupyterLab: the notebook finishes in a real kernel, prints no warning, leaves nothing in the repository."
import sys, pytest
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]/'scripts'))
from run_all import run_all, REPO

@pytest.mark.parametrize('name', ['00_preprocess.ipynb', '06_generate.ipynb'])
def test_run_all(name):
    r = run_all(REPO/'nbs'/name)
    assert r['error'] is None, r['error']
    assert r['stderr'] == [], r['stderr']            # no warnings, no tracebacks
    assert r['new_files'] == [], r['new_files']      # nothing written into the repository
    if name == '00_preprocess.ipynb': assert r['skipped'] >= 1   # its full-data cell only said it was skipped
