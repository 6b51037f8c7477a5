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
