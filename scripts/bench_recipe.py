"Training speed of each stage of a recipe (ms per step of the Learner, all its callbacks on) and the time its whole schedule would take on this machine, with the CPU capability."
import argparse, tempfile, warnings
warnings.filterwarnings('ignore')
from pathlib import Path
import torch
from steptimer import StepTimer
from facecvae.train import cvae_dls, cvae_learner, make_tiny_work, recipe_settings, condition_nets, RECIPES, DEFAULT_RECIPE
from facecvae.preprocess import DEFAULT_SIZE
from facecvae.device import cpu_capability, as_device

p = argparse.ArgumentParser(description=__doc__)
p.add_argument('--recipe', default=DEFAULT_RECIPE, choices=list(RECIPES))
p.add_argument('--work', help='working folder with the cache, condition_data.csv and condition models (default: random images, 16,029 a schedule)')
p.add_argument('--bs', type=int, default=64)
p.add_argument('--batches', type=int, default=12, help='timed steps per stage (after 2 untimed ones)')
p.add_argument('--precision', default=None, help='auto, fp32, bf16 or fp16 (default: $FACECVAE_PRECISION, else auto)')
a = p.parse_args()

kw = recipe_settings(a.recipe); kw.pop('recipe'); epochs, _ = kw.pop('epochs'), kw.pop('prior_k', None)
work = Path(a.work) if a.work else make_tiny_work(Path(tempfile.mkdtemp()), n=-(-a.bs * (a.batches + 3) * 20 // 19), size=DEFAULT_SIZE)
kw['cond_models'] = condition_nets(work, kw.get('cond_w'), kw.get('perc_w'), kw.get('perc_eyes_w'))
dev = as_device(None); sync = torch.cuda.synchronize if dev.type == 'cuda' else (lambda: None)
dls = cvae_dls(work, DEFAULT_SIZE, a.bs, device=dev)
n_train = len(dls.train.dataset) if a.work else 16029   # the training split of ../shared/faces
steps = -(-n_train // a.bs)

starts = {0: 'MSE + KL', kw.get('sharp_from', 1): kw.get('sharp')}   # the epochs where the loss changes, and what it becomes
if kw.get('sharp2'): starts[kw['sharp2_from']] = kw['sharp2']
if kw.get('cond_w'): starts[kw['cond_from']] = f"{starts[max(s for s in starts if s <= kw['cond_from'])]} + consistency"
starts = {s: v for s, v in sorted(starts.items()) if s < epochs}

def step_ms(epoch:int)->float:
    "Mean ms of a training step in `epoch` (0-based) of the recipe, timed from the 3rd step."
    torch.manual_seed(0); learn = cvae_learner(dls, DEFAULT_SIZE, precision=a.precision, **kw)
    tm = StepTimer(a.batches, sync)
    with learn.no_bar(), learn.no_logging(): learn.fit(epoch + 1, 1e-3, start_epoch=epoch, cbs=tm)
    return 1000 * tm.secs / a.batches

print(f'CPU: {cpu_capability()}; threads: {torch.get_num_threads()}' + (f'; GPU: {torch.cuda.get_device_name(dev)}' if dev.type == 'cuda' else '') + f'; device {dev}', flush=True)
total, ends = 0., [*list(starts)[1:], epochs]
for (s, what), e in zip(starts.items(), ends):
    ms = step_ms(s); total += (e - s) * steps * ms / 1000
    print(f'recipe {a.recipe}, epochs {s + 1}–{e} ({what}): {ms:.0f} ms a step of {a.bs}, {steps * ms / 1000:.0f} s an epoch of {n_train} images', flush=True)
print(f'recipe {a.recipe}: {epochs} epochs ≈ {total / 60:.1f} min of training steps on this machine (steps only: validation and checkpoints come on top)')
