"""Speed of each training step from the command line, in the precision chosen (auto, fp32 or bf16): img/s per step.

Runs facecvae-gender, facecvae-attributes, facecvae-conditions and a short facecvae-train on a working folder that
facecvae-preprocess has made (it makes one from the face photos if needed) and prints, for each step, the wall time
(start-up included) and images per second, with the CPU capability the figures come from. Set FACECVAE_PRECISION or
pass --precision; to see what an AVX2-only CPU does on a bf16-capable one, run with ONEDNN_MAX_CPU_ISA=AVX2.
"""
import os, sys, json, time, argparse, subprocess
from pathlib import Path

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument('work', help='working folder (made with facecvae-preprocess from --faces when it has no cache)')
p.add_argument('--faces', help='data folder in the original layout (default: $FACECVAE_FACES or ../shared/faces)')
p.add_argument('--labels', help='folder of the label CSVs (default: the data folder)')
p.add_argument('--precision', default=None, help='auto, fp32 or bf16 (default: $FACECVAE_PRECISION, else auto)')
p.add_argument('--epochs', type=int, default=2, help='epochs of the gender and attribute training')
p.add_argument('--train_epochs', type=int, default=2)
p.add_argument('--limit', type=int, default=2000, help='images of the C-VAE training run')
p.add_argument('--steps', default='gender,attributes,conditions,train')
a = p.parse_args()

bin_dir, work = Path(sys.executable).parent, Path(a.work)
env = {**os.environ, **({'FACECVAE_PRECISION': a.precision} if a.precision else {})}
from facecvae.preprocess import faces_dir, load_cache
faces = Path(a.faces) if a.faces else faces_dir()
if faces is None: sys.exit('bench_pipeline: no face photos found (set FACECVAE_FACES or pass --faces)')

def run(*args)->float:
    "Run a console script with the chosen precision; its wall time in seconds (stops the benchmark if it fails)."
    t = time.time(); r = subprocess.run([str(bin_dir/args[0]), *map(str, args[1:])], env=env, capture_output=True, text=True)
    if r.returncode: sys.exit(f'{args[0]} failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}')
    said = [l for l in r.stdout.splitlines() if l.startswith('precision ')]
    if said: print(f'  {args[0]}: {said[0]}', flush=True)
    return time.time() - t

if not (work/'faces_64.npy').exists(): run('facecvae-preprocess', faces, work)
rows = load_cache(work)[1]; n_all = len(rows); n_gender = sum(r['gender'] in ('male', 'female') for r in rows)
cap = subprocess.run([sys.executable, '-c', 'from facecvae.device import cpu_capability, compute_precision; '
                      'print(cpu_capability(), "|", compute_precision("cpu"))'], env=env, capture_output=True, text=True).stdout.strip()
print(f'CPU: {cap.split(" | ")[0]}; precision: {cap.split(" | ")[-1]}; threads: {os.cpu_count()} cores, '
      f'OMP_NUM_THREADS={os.environ.get("OMP_NUM_THREADS", "unset")}', flush=True)
steps = a.steps.split(',')
if 'gender' in steps:
    dt = run('facecvae-gender', work, '--retrain', '--epochs', a.epochs); cfg = json.loads((work/'classify_male_or_female.json').read_text())
    print(f'gender:     {dt:6.1f}s  {cfg["n_train"] * a.epochs / cfg["train_seconds"]:6.0f} img/s training '
          f'({a.epochs} epochs of {cfg["n_train"]} images, then {n_all} predicted)', flush=True)
if 'attributes' in steps:
    dt = run('facecvae-attributes', work, '--labels', a.labels or faces, '--retrain', '--epochs', a.epochs)
    cfg = json.loads((work/'regression_mouth.json').read_text())
    print(f'attributes: {dt:6.1f}s  {cfg["n_train"] * a.epochs / cfg["train_seconds"]:6.0f} img/s training '
          f'({a.epochs} epochs of {cfg["n_train"]} labelled images)', flush=True)
if 'conditions' in steps:
    dt = run('facecvae-conditions', work, '--redo')
    print(f'conditions: {dt:6.1f}s  {n_all / dt:6.0f} img/s ({n_all} images, start-up included)', flush=True)
if 'train' in steps:
    dt = run('facecvae-train', work, '--epochs', a.train_epochs, '--limit', a.limit)
    log = [l.split(',') for l in (work/'cvae_log.csv').read_text().splitlines()]
    secs = [float(r[log[0].index('seconds')]) for r in log[1:]]; n_train = json.loads((work/'cvae_model.json').read_text())['n_train']
    print(f'train:      {dt:6.1f}s  {n_train / (sum(secs) / len(secs)):6.0f} img/s per epoch ({a.train_epochs} epochs of '
          f'{n_train} images: {" / ".join(f"{s:.1f}" for s in secs)} s)', flush=True)
