"Does a photo edit still edit once the photo's latent is refined? The landmark judge's readings of held-out photos decoded with one condition at 5 values, from the encoder's latent and from the refined one."
import argparse, time, warnings, torch, numpy as np
warnings.filterwarnings('ignore')
from pathlib import Path
from facecvae.generate import find_model
from facecvae.model import load_cvae_part, decode, refine_latent, REFINE_STEPS
from facecvae.conditions import cvae_data, valid_idx
from facecvae.evaluate import judge, spearman, JUDGED
from facecvae.preprocess import COND_NAMES, cond_span
from facecvae.device import cpu_capability

p = argparse.ArgumentParser(description=__doc__)
p.add_argument('work', help='working folder with the cache and condition_data.csv (its held-out split is used)')
p.add_argument('--model', help='C-VAE folder or decoder file (default: the bundled model)')
p.add_argument('--n', type=int, default=100, help='held-out photos')
p.add_argument('--steps', type=int, default=REFINE_STEPS, help='refinement steps')
a = p.parse_args()

dec, cfg = load_cvae_part(find_model(a.model, 'decoder'), 'decoder'); enc, _ = load_cvae_part(find_model(a.model, 'encoder'), 'encoder')
x, c, _ = cvae_data(Path(a.work), cfg['size']); val = valid_idx(len(x))[:a.n]; n = len(val)
real, cv = x[val].float() / 255, c[val]
with torch.no_grad(): mu = enc(real, cv)[0]
t = time.time(); zr = refine_latent(dec, real, cv, mu, a.steps, beta=cfg.get('beta') or 0.05)
print(f'refined {n} latents ({a.steps} steps) in {time.time() - t:.0f} s on {cpu_capability()}')
for name, z in (('encoder', mu), (f'refined ({a.steps} steps)', zr)):
    out = []
    for k in ('hair_color', 'mouth', 'eyes'):
        lo, hi = cond_span(cfg.get('cond_range'), k); req = torch.linspace(lo, hi, 5)
        cc = cv.repeat(5, 1); cc[:, COND_NAMES.index(k)] = req.repeat_interleave(n)
        J = judge(decode(dec, z.repeat(5, 1), cc))[JUDGED[k]].reshape(5, n)
        rho = [spearman(req.numpy(), J[:, i]) for i in range(n) if not np.isnan(J[:, i]).any()]
        out.append(f'{k} ρ per photo {np.mean(rho):.3f}, judged change {np.nanmean(J[-1] - J[0]):.3f}')
    print(f'{name}: ' + '; '.join(out), flush=True)
