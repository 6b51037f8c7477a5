"How the tools hold up when people break things: files in the wrong place, damaged files, kills mid-run."
import os, sys, json, time, signal, shutil, subprocess, hashlib, pytest, numpy as np
from pathlib import Path
from conftest import run_cli, one_error_line
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

def test_kill_training_and_resume(faces, tmp_path):
    "kill -9 during training, then --resume: it finishes with every epoch logged once and the usual artifacts."
    from facecvae.train import make_tiny_work, CHECKPOINT, LOG
    w = make_tiny_work(tmp_path/'w', n=512, size=32)
    exe = Path(sys.executable).parent/'facecvae-train'
    args = [exe, w, '--size', '32', '--epochs', '6', '--bs', '16', '--cond_w', '0']
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.time()
    while time.time() - t0 < 120 and not (w/CHECKPOINT).exists(): time.sleep(0.05)
    p.send_signal(signal.SIGKILL); p.wait()
    assert (w/CHECKPOINT).exists() and not (w/'cvae_model.pth').exists()
    import torch; done = torch.load(w/CHECKPOINT, weights_only=False)['epoch']; assert 1 <= done < 6
    r = run_cli('facecvae-train', w, '--size', 32, '--resume')
    assert r.returncode == 0 and f'resuming from epoch {done}' in r.stdout, r.stderr
    log = [l.split(',')[0] for l in (w/LOG).read_text().splitlines()[1:]]
    assert log == ['1', '2', '3', '4', '5', '6'], log
    cfg = json.loads((w/'cvae_decoder_model.json').read_text()); assert cfg['epochs_done'] == 6
    assert not list(w.glob('.*tmp*'))                                   # no half-written file left behind
