"The preprocessing command: good runs, reruns, interruption and bad input, end to end."
import signal, time, subprocess, sys, numpy as np
from pathlib import Path
from PIL import Image
from conftest import run_cli, one_error_line
from facecvae.preprocess import LAYOUT, load_cache, tree_checksums, REPORT


def test_cli_runs_and_reruns(sample_data, tmp_path):
    before = tree_checksums(sample_data)
    r = run_cli('facecvae-preprocess', sample_data, tmp_path/'w', '--size', 32, '--workers', 2)
    assert r.returncode == 0, r.stderr
    arr, rows = load_cache(tmp_path/'w', 32)
    assert arr.shape == (18, 32, 32, 3) and len(rows) == 18
    assert sorted({r['gender'] for r in rows}) == ['', 'female', 'male']
    for part in LAYOUT: assert len(list((tmp_path/'w'/'resized_images'/part).iterdir())) == 6
    r2 = run_cli('facecvae-preprocess', sample_data, tmp_path/'w', '--size', 32)
    assert r2.returncode == 0 and 'up to date' in r2.stdout
    assert tree_checksums(sample_data) == before

def test_cli_bad_layout(tmp_path):
    assert 'does not exist' in one_error_line(run_cli('facecvae-preprocess', tmp_path/'nope', tmp_path/'w'), 'facecvae-preprocess')
    (tmp_path/'d'/'ThisPersonDoesNotExist'/'Male').mkdir(parents=True)
    line = one_error_line(run_cli('facecvae-preprocess', tmp_path/'d', tmp_path/'w'), 'facecvae-preprocess')
    assert 'thispersondoesnotexist.10k' in line and 'ThisPersonDoesNotExist/Female' in line

def test_cli_refuses_work_inside_data(sample_data):
    assert 'inside the data folder' in one_error_line(run_cli('facecvae-preprocess', sample_data, sample_data/'w'), 'facecvae-preprocess')

def test_cli_bad_values(sample_data, tmp_path):
    assert 'margin' in one_error_line(run_cli('facecvae-preprocess', sample_data, tmp_path/'w', '--margin', 0.6), 'facecvae-preprocess')
    assert 'size' in one_error_line(run_cli('facecvae-preprocess', sample_data, tmp_path/'w', '--size', 2), 'facecvae-preprocess')

def test_cli_skips_and_reports_bad_files(sample_data, tmp_path):
    fem = sample_data/LAYOUT['second_dataset_female']
    (fem/'empty.jpg').write_bytes(b'')
    (fem/'loop.jpg').symlink_to(fem/'loop.jpg')
    Image.new('RGB', (4000, 3000), (200, 100, 50)).save(fem/'huge.jpg')
    r = run_cli('facecvae-preprocess', sample_data, tmp_path/'w', '--size', 32)
    assert r.returncode == 0, r.stderr
    assert 'Traceback' not in r.stderr and 'empty.jpg' in r.stderr and 'loop.jpg' in r.stderr
    report = (tmp_path/'w'/REPORT).read_text()
    assert 'empty.jpg' in report and 'loop.jpg' in report and 'huge.jpg' not in report
    assert len(load_cache(tmp_path/'w', 32)[1]) == 19

def test_kill_and_resume_is_bit_identical(faces, tmp_path):
    "kill -9 in the middle of a run, run again: the same array as an uninterrupted run."
    from facecvae.preprocess import make_sample_data
    data = make_sample_data(tmp_path/'data', n=300, faces=faces)
    ref = run_cli('facecvae-preprocess', data, tmp_path/'ref', '--size', 32, '--workers', 1)
    assert ref.returncode == 0, ref.stderr
    exe = Path(sys.executable).parent/'facecvae-preprocess'
    p = subprocess.Popen([exe, data, tmp_path/'w', '--size', '32', '--workers', '1'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shards = tmp_path/'w'/'.shards'
    while p.poll() is None and not (shards.exists() and any(shards.rglob('*.npz'))): time.sleep(0.005)   # a condition, not a deadline
    p.send_signal(signal.SIGKILL); p.wait()
    assert not (tmp_path/'w'/'faces_32.npy').exists()             # killed before the end: no array under its final name
    r = run_cli('facecvae-preprocess', data, tmp_path/'w', '--size', 32)
    assert r.returncode == 0, r.stderr
    a, b = np.load(tmp_path/'ref'/'faces_32.npy'), np.load(tmp_path/'w'/'faces_32.npy')
    assert a.shape == (900, 32, 32, 3) and np.array_equal(a, b)
    assert (tmp_path/'ref'/'faces_32.csv').read_text().replace(str(tmp_path/'ref'), '') == \
           (tmp_path/'w'/'faces_32.csv').read_text().replace(str(tmp_path/'w'), '')
