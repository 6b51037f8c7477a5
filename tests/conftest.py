import sys, subprocess, pytest
from pathlib import Path
from facecvae.preprocess import faces_dir, make_sample_data, tree_checksums

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

def small_pipeline(faces:Path, d:Path, n:int, n_labels:int, epochs:int=1)->dict:
    "Copy `n` real photos per folder and `n_labels` labels per gender into `d`, run every step up to the conditions; `unchanged`: the inputs were only read."
    from facecvae.attributes import ATTRS, label_file, read_labels, write_labels
    data = make_sample_data(d/'data', n=n, faces=faces)
    labels = d/'labels'; labels.mkdir()
    for a in ATTRS:
        for g in ('male', 'female'): write_labels(labels/label_file(a, g), a, read_labels(faces/label_file(a, g), a)[:n_labels])
    sums = lambda: (tree_checksums(data), tree_checksums(labels))
    before, w = sums(), d/'work'
    steps = [('facecvae-preprocess', data, w, '--size', 32), ('facecvae-gender', w, '--size', 32, '--epochs', epochs),
             ('facecvae-attributes', w, '--labels', labels, '--size', 32, '--epochs', epochs), ('facecvae-conditions', w)]
    outs = [run_cli(*s) for s in steps]
    for s, r in zip(steps, outs): assert r.returncode == 0, (s[0], r.stdout, r.stderr)
    return dict(data=data, labels=labels, work=w, outs=outs, unchanged=sums() == before)
