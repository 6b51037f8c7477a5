"How the tools hold up when people break things: files in the wrong place, damaged files, kills mid-run."
import os, sys, json, time, signal, shutil, subprocess, hashlib, pytest, numpy as np
from pathlib import Path
from conftest import run_cli, one_error_line, small_pipeline
from facecvae.preprocess import tree_checksums
from facecvae.generate import BUNDLED


def test_work_dir_is_a_file(sample_data, tmp_path):
    f = tmp_path/'file'; f.write_text('not a folder')
    line = one_error_line(run_cli('facecvae-preprocess', sample_data, f, '--size', 32), 'facecvae-preprocess')
    assert 'file' in line

def test_output_path_is_a_file(tmp_path):
    f = tmp_path/'taken'; f.write_text('x')
    assert 'not a folder' in one_error_line(run_cli('facecvae-generate', '--out', f), 'facecvae-generate')

def test_truncated_model_files(tmp_path):
    m = tmp_path/'m'; m.mkdir()
    for f in ('cvae_decoder_model.pth', 'cvae_decoder_model.json'): shutil.copy(BUNDLED/f, m/f)
    data = (m/'cvae_decoder_model.pth').read_bytes(); (m/'cvae_decoder_model.pth').write_bytes(data[:len(data) // 2])
    assert 'damaged' in one_error_line(run_cli('facecvae-generate', '--model', m, '--out', tmp_path/'x.png'), 'facecvae-generate')
    (m/'cvae_decoder_model.json').unlink()
    assert 'config' in one_error_line(run_cli('facecvae-generate', '--model', m/'cvae_decoder_model.pth', '--out', tmp_path/'x.png'), 'facecvae-generate')

def test_bundled_model_is_not_modified(tmp_path):
    before = {p.name: hashlib.md5(p.read_bytes()).hexdigest() for p in BUNDLED.iterdir()}
    assert run_cli('facecvae-generate', '--n', 2, '--out', tmp_path/'a').returncode == 0
    assert before == {p.name: hashlib.md5(p.read_bytes()).hexdigest() for p in BUNDLED.iterdir()}

def test_bad_option_values(sample_data, tmp_path):
    assert 'not one of' in one_error_line(run_cli('facecvae-train', tmp_path, '--sharp', 'blur'), 'facecvae-train')
    assert '--temperature' in one_error_line(run_cli('facecvae-generate', '--temperature', 0, '--out', tmp_path/'x.png'), 'facecvae-generate')
    r = run_cli('facecvae-preprocess', sample_data, tmp_path/'w', '--size', 'big')      # argparse: usage + exit 2
    assert r.returncode == 2 and 'Traceback' not in r.stderr and 'size' in r.stderr

def test_precision_option(tmp_path):
    "--precision is honoured, printed once and recorded; a wrong value, from the option or the environment, is one clear line."
    from facecvae.train import make_tiny_work
    w = make_tiny_work(tmp_path/'w', n=64, size=32)
    args = ['facecvae-train', w, '--size', 32, '--epochs', 1, '--bs', 16, '--cond_w', 0]
    assert "precision 'half' is not one of auto, fp32, bf16, fp16" in one_error_line(run_cli(*args, '--precision', 'half'), 'facecvae-train')
    r = run_cli(*args, env={**os.environ, 'FACECVAE_PRECISION': 'fp8'})
    assert "'fp8' is not one of" in one_error_line(r, 'facecvae-train') and 'FACECVAE_PRECISION' in r.stderr
    r = run_cli(*args, '--precision', 'fp32'); assert r.returncode == 0, r.stderr
    said = [l for l in r.stdout.splitlines() if l.startswith('precision ')]
    assert len(said) == 1 and said[0].startswith('precision fp32 on cpu (asked for; CPU '), r.stdout
    assert json.loads((w/'cvae_model.json').read_text())['precision'] == 'fp32'

def test_kill_training_and_resume(tmp_path):
    "kill -9 during training, then --resume: it finishes with every epoch logged once and the usual artifacts."
    from facecvae.train import make_tiny_work, CHECKPOINT, LOG
    w = make_tiny_work(tmp_path/'w', n=512, size=32)
    exe = Path(sys.executable).parent/'facecvae-train'
    args = [exe, w, '--size', '32', '--epochs', '6', '--bs', '16', '--cond_w', '0']
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while p.poll() is None and not (w/CHECKPOINT).exists(): time.sleep(0.05)   # however long the first epoch takes here
    p.send_signal(signal.SIGKILL); p.wait()
    assert (w/CHECKPOINT).exists() and not (w/'cvae_model.pth').exists()
    import torch; done = torch.load(w/CHECKPOINT, weights_only=False)['epoch']; assert 1 <= done < 6
    r = run_cli('facecvae-train', w, '--size', 32, '--resume')
    assert r.returncode == 0 and f'resuming from epoch {done}' in r.stdout, r.stderr
    log = [l.split(',')[0] for l in (w/LOG).read_text().splitlines()[1:]]
    assert log == ['1', '2', '3', '4', '5', '6'], log
    cfg = json.loads((w/'cvae_decoder_model.json').read_text()); assert cfg['epochs_done'] == 6
    assert not list(w.glob('.*tmp*'))                                   # no half-written file left behind


# ---- kill -9 at a random moment of each long step, then the same command again ----

KILL_SEED = int(os.environ.get('FACECVAE_KILL_SEED', '0'))   # the random kill moments are seeded, so a failure can be replayed

@pytest.fixture(scope='module')
def prepped(faces, tmp_path_factory):
    "150 real photos per folder, labels for all the gender ones, and every step up to the conditions run once (the reference)."
    return small_pipeline(faces, tmp_path_factory.mktemp('prep'), n=150, n_labels=150, epochs=2)

def kill_at_random(args:list, ready, rng, max_wait:float=1.5)->int:
    "Start a console script, wait until `ready()` (or not at all if None), then a random extra wait, then kill -9; its return code."
    p = subprocess.Popen([Path(sys.executable).parent/args[0], *map(str, args[1:])], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while ready is not None and not ready() and p.poll() is None: time.sleep(0.01)   # a condition, not a deadline
    time.sleep(rng.uniform(0, max_wait))
    p.send_signal(signal.SIGKILL); return p.wait()

def final_files_whole(w:Path):
    "Every model, checkpoint and CSV under its final name in `w` is complete (loads, or parses to the end); temporaries (.*) aside."
    import torch, csv
    final = lambda pat: [f for f in w.glob(pat) if not f.name.startswith('.')]
    for f in final('*.pth'): torch.load(f, weights_only=False)
    for f in final('*.json'): json.loads(f.read_text())
    for f in final('*.csv'):
        rows = list(csv.reader(open(f))); assert rows and all(len(r) == len(rows[0]) for r in rows), f

def model_schema(w:Path, stem:str)->tuple:
    import torch
    cfg = json.loads((w/f'{stem}.json').read_text())
    sd = torch.load(w/f'{stem}.pth', weights_only=True)
    return sorted(cfg), {k: tuple(v.shape) for k, v in sd.items()}

def csv_column(p:Path, j:int=0)->list: return [l.split(',')[j] for l in p.read_text().splitlines()]

def test_kill_gender_training(prepped, tmp_path):
    "Killed mid-training, `facecvae-gender` resumes from its last epoch checkpoint and ends with the usual model and CSV."
    from facecvae.gender import GENDER_MODEL, GENDER_CSV
    ref, w = prepped['work'], tmp_path/'w'; shutil.copytree(ref, w)
    for f in (f'{GENDER_MODEL}.pth', f'{GENDER_MODEL}.json', GENDER_CSV): (w/f).unlink()
    ck = w/f'{GENDER_MODEL}_checkpoint.pth'
    rc = kill_at_random(['facecvae-gender', w, '--size', 32, '--epochs', 40], ck.exists, np.random.default_rng(KILL_SEED))
    assert rc == -signal.SIGKILL and ck.exists() and not (w/f'{GENDER_MODEL}.pth').exists()
    final_files_whole(w)
    r = run_cli('facecvae-gender', w, '--size', 32, '--epochs', 40)
    assert r.returncode == 0 and 'resuming from epoch' in r.stdout, (r.stdout, r.stderr)
    assert model_schema(w, GENDER_MODEL) == model_schema(ref, GENDER_MODEL) and not ck.exists()
    assert json.loads((w/f'{GENDER_MODEL}.json').read_text())['epochs'] == 40
    assert csv_column(w/GENDER_CSV) == csv_column(ref/GENDER_CSV)
    final_files_whole(w)
    assert not list(w.glob('.*tmp*'))                                  # a killed write's temporary is cleaned up by the rerun

def test_kill_attribute_training(prepped, tmp_path):
    "The same for the five attribute regressors (trained together, saved as five models)."
    from facecvae.attributes import ATTRS, attr_model
    ref, w = prepped['work'], tmp_path/'w'; shutil.copytree(ref, w)
    for a in ATTRS: (w/f'{attr_model(a)}.pth').unlink(); (w/f'{attr_model(a)}.json').unlink()
    ck = w/'regression_checkpoint.pth'
    rc = kill_at_random(['facecvae-attributes', w, '--labels', prepped['labels'], '--size', 32, '--epochs', 40], ck.exists,
                        np.random.default_rng(KILL_SEED + 1))
    assert rc == -signal.SIGKILL and ck.exists()
    final_files_whole(w)
    r = run_cli('facecvae-attributes', w, '--labels', prepped['labels'], '--size', 32, '--epochs', 40)
    assert r.returncode == 0 and 'resuming from epoch' in r.stdout, (r.stdout, r.stderr)
    for a in ATTRS: assert model_schema(w, attr_model(a)) == model_schema(ref, attr_model(a)), a
    assert not ck.exists() and not list(w.glob('.*tmp*'))
    final_files_whole(w)

def test_kill_condition_prediction(prepped, tmp_path):
    "Killed at three random moments, `facecvae-conditions` never leaves a partial CSV; rerun, it is byte-identical."
    from facecvae.conditions import CONDITION_CSV
    ref, w = prepped['work'], tmp_path/'w'; shutil.copytree(ref, w)
    want = (ref/CONDITION_CSV).read_bytes(); rng = np.random.default_rng(KILL_SEED + 2)
    t0 = time.time(); assert run_cli('facecvae-conditions', w, '--redo').returncode == 0; took = time.time() - t0
    assert (w/CONDITION_CSV).read_bytes() == want                           # prediction is deterministic
    for _ in range(3):
        (w/CONDITION_CSV).unlink()
        kill_at_random(['facecvae-conditions', w], None, rng, max_wait=took)
        assert not (w/CONDITION_CSV).exists() or (w/CONDITION_CSV).read_bytes() == want
        r = run_cli('facecvae-conditions', w); assert r.returncode == 0, r.stderr
        assert (w/CONDITION_CSV).read_bytes() == want and not list(w.glob('.*tmp*'))

def test_fresh_training_after_a_killed_one_starts_a_new_log(tmp_path):
    "A run without --resume after a killed one does not keep the killed run's log lines."
    from facecvae.train import make_tiny_work, CHECKPOINT, LOG
    w = make_tiny_work(tmp_path/'w', n=96, size=32)
    kill_at_random(['facecvae-train', w, '--size', 32, '--epochs', 6, '--bs', 16, '--cond_w', 0], (w/CHECKPOINT).exists, np.random.default_rng(KILL_SEED))
    (w/CHECKPOINT).unlink()                                                # as if killed between the log line and the checkpoint
    r = run_cli('facecvae-train', w, '--size', 32, '--epochs', 2, '--bs', 16, '--cond_w', 0)
    assert r.returncode == 0, r.stderr
    assert [l.split(',')[0] for l in (w/LOG).read_text().splitlines()[1:]] == ['1', '2']


def test_killed_preprocess_leaves_no_workers(tmp_path):
    "kill -9 of facecvae-preprocess while its worker processes run: every worker exits on its own soon after."
    import psutil
    from PIL import Image
    from facecvae.preprocess import LAYOUT
    rng = np.random.default_rng(0)
    for part in LAYOUT.values():                                          # synthetic photos: runs without ../shared too
        (tmp_path/'data'/part).mkdir(parents=True)
        for i in range(300): Image.fromarray(rng.integers(0, 256, (256, 256, 3), dtype=np.uint8)).save(tmp_path/'data'/part/f'{i}.jpg')
    p = subprocess.Popen([Path(sys.executable).parent/'facecvae-preprocess', tmp_path/'data', tmp_path/'w', '--size', '32', '--workers', '2'],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kids = []
    while p.poll() is None and len(kids) < 2: kids = psutil.Process(p.pid).children(); time.sleep(0.01)
    assert len(kids) == 2, 'the command ended before its workers could be seen'
    p.send_signal(signal.SIGKILL); p.wait()
    gone, alive = psutil.wait_procs(kids, timeout=60)                      # they notice within a second; 60 s is only a bound
    assert not alive, [k.pid for k in alive]


# ---- a full disk ----

def fsize_limit(n:int):
    "For `preexec_fn`: files larger than `n` bytes cannot be written (Python then gets EFBIG: our stand-in for a full disk)."
    import resource
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (n, n))

def test_full_disk_generate(tmp_path):
    out = tmp_path/'grid.png'
    line = one_error_line(run_cli('facecvae-generate', '--n', 64, '--out', out, preexec_fn=fsize_limit(20_000)), 'facecvae-generate')
    assert 'could not write' in line and 'grid.png' in line and 'disk' in line
    assert not out.exists() and not list(tmp_path.iterdir())             # nothing half-written, no temporary file left

def test_full_disk_training(tmp_path):
    from facecvae.train import make_tiny_work, CHECKPOINT
    w = make_tiny_work(tmp_path/'w', n=64, size=32)
    r = run_cli('facecvae-train', w, '--size', 32, '--epochs', 2, '--bs', 16, '--cond_w', 0, preexec_fn=fsize_limit(200_000))
    line = one_error_line(r, 'facecvae-train')
    assert 'could not write' in line and CHECKPOINT in line
    assert not (w/CHECKPOINT).exists() and not list(w.glob('.*tmp*'))

def test_full_disk_preprocess(sample_data, tmp_path):
    before = tree_checksums(sample_data)
    r = run_cli('facecvae-preprocess', sample_data, tmp_path/'w', '--size', 64, preexec_fn=fsize_limit(5_000))
    assert 'could not write' in one_error_line(r, 'facecvae-preprocess')
    assert tree_checksums(sample_data) == before and not (tmp_path/'w'/'faces_64.npy').exists()

@pytest.mark.skipif(os.geteuid() == 0, reason='root can write into read-only folders (the full-disk tests cover this case)')
def test_read_only_work_folder(tmp_path):
    from facecvae.train import make_tiny_work
    w = make_tiny_work(tmp_path/'w', n=64, size=32); w.chmod(0o555)
    try:
        line = one_error_line(run_cli('facecvae-train', w, '--size', 32, '--epochs', 1, '--bs', 16, '--cond_w', 0), 'facecvae-train')
        assert 'Permission denied' in line and str(w) in line and 'permissions' in line
    finally: w.chmod(0o755)

@pytest.mark.skipif(os.geteuid() == 0, reason='root can read files whatever their permissions')
def test_unreadable_photo_is_skipped_and_reported(sample_data, tmp_path):
    from facecvae.preprocess import LAYOUT, REPORT
    p = next((sample_data/LAYOUT['second_dataset_male']).glob('*.jpg')); p.chmod(0)
    try:
        r = run_cli('facecvae-preprocess', sample_data, tmp_path/'w', '--size', 32)
        assert r.returncode == 0 and p.name in (tmp_path/'w'/REPORT).read_text(), r.stderr
    finally: p.chmod(0o644)
