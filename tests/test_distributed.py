"Training as several processes through accelerate: the same result as one process, rank 0 alone writes, --resume after every rank is killed (each with its own random streams)."
import os, sys, json, time, signal, subprocess, pytest
from pathlib import Path
from conftest import run_cli, launch, launch_args, HANG

def valid_mse(w:Path)->float:
    import csv
    return float(list(csv.DictReader(open(w/'cvae_log.csv')))[-1]['mse'])

EPOCHS = 6

@pytest.fixture(scope='module')
def pair(faces, tmp_path_factory):
    "The same short schedule on 480 real photos (32 px), in one process and in two (`accelerate launch --cpu --num_processes 2`)."
    import shutil
    from facecvae.train import make_tiny_work
    d = tmp_path_factory.mktemp('pair'); w1 = make_tiny_work(d/'one', n=480, size=32, faces=faces)
    w2 = d/'two'; shutil.copytree(w1, w2)
    args = ['--size', 32, '--epochs', EPOCHS, '--bs', 32, '--cond_w', 0]
    t = time.time(); r1 = run_cli('facecvae-train', w1, *args, timeout=HANG); t1 = time.time() - t
    t = time.time(); r2 = launch(w2, *args); t2 = time.time() - t
    assert r1.returncode == 0, r1.stderr
    assert r2.returncode == 0, (r2.stdout, r2.stderr)
    print(f'\n1 process: valid MSE {valid_mse(w1):.5f} in {t1:.0f}s; 2 processes: {valid_mse(w2):.5f} in {t2:.0f}s (wall, start-up included)')
    return dict(one=w1, two=w2, out1=r1.stdout, out2=r2.stdout)

def test_two_processes_reach_the_same_mse(pair):
    "Two processes (each half of every batch, gradients averaged) learn what one does: validation MSE within 10 %."
    import numpy as np
    from facecvae.preprocess import load_cache
    a = load_cache(pair['one'], 32)[0].astype(np.float32) / 255
    mean_face = float(((a - a.mean(0)) ** 2).mean())
    m1, m2 = valid_mse(pair['one']), valid_mse(pair['two'])
    assert abs(m2 - m1) < 0.1 * m1, (m1, m2)
    assert max(m1, m2) < 0.6 * mean_face, (m1, m2, mean_face)         # both learnt far more than the mean face

def test_only_rank_0_writes(pair):
    "One log line, one sample grid per epoch, one model, one report on screen: what one process leaves, said by the model's config."
    import torch
    from facecvae.train import CHECKPOINT, LOG, SAMPLES
    w, out = pair['two'], pair['out2'].splitlines()
    assert [l.split(',')[0] for l in (w/LOG).read_text().splitlines()[1:]] == [str(e) for e in range(1, EPOCHS + 1)]
    assert sorted(p.name for p in (w/SAMPLES).iterdir()) == [f'epoch_{e:03d}.png' for e in range(1, EPOCHS + 1)]
    assert torch.load(w/CHECKPOINT, weights_only=False)['epoch'] == EPOCHS
    assert sum(l.startswith('precision ') for l in out) == 1 and sum(l.startswith('trained ') for l in out) == 1, out
    assert [l.split()[1] for l in out if l.startswith('epoch ')] == [str(e) for e in range(EPOCHS)], out
    cfg1, cfg2 = (json.loads((pair[k]/'cvae_model.json').read_text()) for k in ('one', 'two'))
    assert (cfg2['processes'], cfg2['bs'], cfg2['n_train']) == (2, cfg1['bs'], cfg1['n_train']) and cfg1['processes'] == 1
    assert not list(w.glob('.*tmp*')) and not list(w.glob('*/.*tmp*'))   # nobody raced on a file

def test_kill_all_ranks_and_resume(tmp_path):
    "kill -9 of the launcher: every rank stops by itself; --resume under accelerate continues from the checkpoint, discriminator included."
    import psutil, torch
    from facecvae.train import make_tiny_work, CHECKPOINT, LOG
    w = make_tiny_work(tmp_path/'w', n=384, size=32)
    args = ['--size', 32, '--epochs', 4, '--bs', 16, '--cond_w', 0, '--sharp', 'fm', '--sharp_from', 0, '--disc', 'blur', '--sample_w', 0.05]
    p = subprocess.Popen(launch_args(w, *args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    while p.poll() is None and not (w/CHECKPOINT).exists(): time.sleep(0.05)   # however long the first epoch takes here
    ranks = [c for c in psutil.Process(p.pid).children(recursive=True) if 'facecvae-train' in ' '.join(c.cmdline())]
    os.killpg(p.pid, signal.SIGKILL); p.wait()                               # the launcher and its agent; the ranks run in sessions of their own
    assert len(ranks) == 3, ranks                                            # the agent and two ranks
    gone, alive = psutil.wait_procs(ranks, timeout=60)                       # they notice within a second; 60 s is only a bound
    assert not alive, [a.cmdline() for a in alive]
    state = torch.load(w/CHECKPOINT, weights_only=False); done = state['epoch']
    assert 1 <= done < 4 and state['disc'] is not None and not (w/'cvae_model.pth').exists()
    assert len(state['rng']) == 2 and not torch.equal(state['rng'][0]['torch'], state['rng'][1]['torch'])   # each rank's own random streams
    r = launch(w, '--size', 32, '--resume')
    print(f'resume: exit {r.returncode}\nstdout:\n{r.stdout}\nstderr (end):\n{r.stderr[-4000:]}')   # shown in full if it fails
    assert r.returncode == 0 and f'resuming from epoch {done} of 4' in r.stdout, r.stdout
    assert 'keeps no random streams' not in r.stdout                       # every rank drew on from where it stopped
    assert [l.split(',')[0] for l in (w/LOG).read_text().splitlines()[1:]] == ['1', '2', '3', '4']
    cfg = json.loads((w/'cvae_model.json').read_text())
    assert (cfg['epochs_done'], cfg['processes'], cfg['sample_w'], cfg['disc']) == (4, 2, 0.05, 'blur')
    assert not list(w.glob('.*tmp*'))

CHECKS = '''
import json, sys, torch
from pathlib import Path
from fastai.torch_core import rank_distrib, num_distrib, maybe_gather
from fastai.distributed import DistributedDL
from facecvae.train import init_distrib, end_distrib, same_everywhere, mean_grads, PatchDisc
dev = init_distrib(); r = rank_distrib()
torch.manual_seed(r); d = PatchDisc(blur=True).to(memory_format=torch.channels_last)   # different weights in each process
same_everywhere(d)
for p in d.parameters(): p.grad = torch.full_like(p, float(r + 1))
mean_grads(d.parameters())
out = dict(n=num_distrib(), backend=torch.distributed.get_backend(), device=str(dev),
           weights=float(sum(p.double().sum() for p in d.parameters())), grads=sorted({float(g) for p in d.parameters() for g in p.grad.flatten()}),
           order=DistributedDL._broadcast(None, [r, r, r], 0), loss_mean=float(maybe_gather(torch.tensor(float(r)))),
           nan=bool(torch.isfinite(maybe_gather(torch.tensor(float('nan') if r else 1.)))))
Path(sys.argv[1], f'rank{r}.json').write_text(json.dumps(out))
end_distrib()   # as training does: a rank that exits with the process group open can abort
'''

def test_helpers_under_gloo(tmp_path):
    "Under `accelerate launch --multi_gpu` on the CPU (gloo): the discriminator's weights and gradients agree, rank 0's batch order reaches every rank, values are gathered."
    (tmp_path/'checks.py').write_text(CHECKS)
    r = launch(tmp_path, how='--multi_gpu', script=tmp_path/'checks.py', env={**os.environ, 'CUDA_VISIBLE_DEVICES': ''})
    assert r.returncode == 0, (r.stdout, r.stderr)
    a, b = (json.loads((tmp_path/f'rank{i}.json').read_text()) for i in (0, 1))
    assert (a['n'], a['backend'], a['device']) == (2, 'gloo', 'cpu')
    assert a['weights'] == b['weights'] and a['grads'] == b['grads'] == [1.5]   # rank 0's weights; the mean of 1 and 2
    assert a['order'] == b['order'] == [0, 0, 0] and a['loss_mean'] == b['loss_mean'] == 0.5
    assert a['nan'] is b['nan'] is False                                       # a NaN in one rank is seen by all
