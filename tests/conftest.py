import os, sys, subprocess, pytest
from pathlib import Path
from facecvae.preprocess import faces_dir, make_sample_data

@pytest.fixture(scope='session')
def faces():
    "The real face photos, or skip: set FACECVAE_FACES or put them in ../shared/faces."
    p = faces_dir()
    if p is None: pytest.skip('no face photos found (set FACECVAE_FACES or put them in ../shared/faces)')
    return p

@pytest.fixture
def sample_data(faces, tmp_path):
    "A small copy of the real data in the original layout."
    return make_sample_data(tmp_path/'data', n=6, faces=faces)

def run_cli(*args, **kw):
    "Run a console script of the venv; returns the CompletedProcess (text)."
    exe = Path(sys.executable).parent/args[0]
    return subprocess.run([str(exe), *map(str, args[1:])], capture_output=True, text=True, **kw)

def one_error_line(r, prog:str)->str:
    "Assert a run failed with exit code 2 and one line on stderr naming `prog`, no traceback; return the line."
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and 'Traceback' not in r.stderr and lines[0].startswith(f'{prog}: error:'), r.stderr
    return lines[0]
