"Does a photo edit still edit once the photo's latent is refined, and once it keeps the photo's pixels where the edit does not reach? The landmark judge's readings of held-out photos decoded with one condition at 5 values."
import time, torch, numpy as np
from pathlib import Path
from edit_setup import arguments, load_model, encode_photos
from facecvae.generate import generate, condition_regions, keep_photo, KEEP, RAMP
from facecvae.model import REFINE_STEPS
from facecvae.conditions import cvae_data, valid_idx
from facecvae.evaluate import judge, spearman, psnr, JUDGED
from facecvae.preprocess import cond_span

p = arguments(__doc__, 100, 'held-out photos (the first of the split)')
p.add_argument('--steps', type=int, default=REFINE_STEPS, help='refinement steps')
p.add_argument('--keep', type=float, default=KEEP, help="keep_photo's threshold for the third set of edits")
p.add_argument('--ramp', type=float, default=RAMP, help="keep_photo's ramp")
p.add_argument('--only_kept', action='store_true', help='measure only the edits that keep the photo')
a = p.parse_args()

enc, dec, cfg = load_model(a.model)
x, c, _ = cvae_data(Path(a.work), cfg['size']); val = valid_idx(len(x))[:a.n]; n = len(val)
mu, zr, photos = encode_photos(enc, dec, cfg, x[val].permute(0, 2, 3, 1), c[val], a.steps)
for name, z, keep in (() if a.only_kept else (('encoder', mu, 0), (f'refined ({a.steps} steps)', zr, 0))) + ((f'refined, photo kept (keep {a.keep}, ramp {a.ramp})', zr, a.keep),):
    out, errs, t = [], [], time.time()
    for k in ('hair_color', 'mouth', 'eyes'):
        lo, hi = cond_span(cfg.get('cond_range'), k); req = np.linspace(lo, hi, 5)
        imgs = []
        for j, e in enumerate(photos):
            e = {**e, 'z': z[j:j+1]}; values = [{**e['conditions'], k: float(v)} for v in req]
            rec, *edits = generate(dec, [e['conditions'], *values], z=e['z'].expand(6, -1))
            if keep: reg = condition_regions(dec, e); edits = [keep_photo(e, rec, ed, v, reg, keep, a.ramp) for ed, v in zip(edits, values)]
            imgs += edits; errs += [psnr(float((((ed.astype(np.float32) - e['img']) / 255) ** 2).mean())) for ed in edits]
        J = judge(torch.from_numpy(np.stack(imgs)).permute(0, 3, 1, 2).float() / 255)[JUDGED[k]].reshape(n, 5).T
        rho = [spearman(req, J[:, i]) for i in range(n) if not np.isnan(J[:, i]).any()]
        out.append(f'{k} ρ per photo {np.mean(rho):.3f}, judged change {np.nanmean(J[-1] - J[0]):.3f}')
    print(f'{name}: ' + '; '.join(out) + f'; PSNR of the edits against the photo {np.mean(errs):.2f} dB ({time.time() - t:.0f} s)', flush=True)
