import sys, socket, subprocess, pytest
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

def small_pipeline(faces:Path, d:Path, n:int, n_labels:int, epochs:int=1, size:int=32)->dict:
    "Copy `n` real photos per folder and `n_labels` labels per gender into `d`, run every step up to the conditions at `size` px; `unchanged`: the inputs were only read."
    from facecvae.attributes import ATTRS, label_file, read_labels, write_labels
    data = make_sample_data(d/'data', n=n, faces=faces)
    labels = d/'labels'; labels.mkdir()
    for a in ATTRS:
        for g in ('male', 'female'): write_labels(labels/label_file(a, g), a, read_labels(faces/label_file(a, g), a)[:n_labels])
    sums = lambda: (tree_checksums(data), tree_checksums(labels))
    before, w = sums(), d/'work'
    steps = [('facecvae-preprocess', data, w, '--size', size), ('facecvae-gender', w, '--size', size, '--epochs', epochs),
             ('facecvae-attributes', w, '--labels', labels, '--size', size, '--epochs', epochs), ('facecvae-conditions', w)]
    outs = [run_cli(*s) for s in steps]
    for s, r in zip(steps, outs): assert r.returncode == 0, (s[0], r.stdout, r.stderr)
    return dict(data=data, labels=labels, work=w, outs=outs, unchanged=sums() == before)

HANG = 900   # seconds: a guard against a deadlocked process group in the multi-process tests, never a measure of speed

def free_port()->int:
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def launch_args(*args, n:int=2, how:str='--cpu', script=None)->list:
    "`accelerate launch HOW --num_processes N facecvae-train ARGS` (or another script) as an argument list."
    b = Path(sys.executable).parent
    return [b/'accelerate', 'launch', how, '--num_processes', str(n), '--main_process_port', str(free_port()),
            script or b/'facecvae-train', *map(str, args)]

def launch(*args, env:dict=None, **kw)->subprocess.CompletedProcess:
    "Run `launch_args(*args, **kw)` to the end (text output)."
    return subprocess.run(launch_args(*args, **kw), capture_output=True, text=True, timeout=HANG, env=env)
