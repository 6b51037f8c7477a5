"README.md is what nbs/index.ipynb exports to (nbdev's front page, made without Quarto by scripts/make_readme.py)."
import subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def test_readme_matches_index_notebook():
    r = subprocess.run([sys.executable, ROOT/'scripts'/'make_readme.py', '--check'], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr

def test_check_fails_on_a_stale_readme(tmp_path, monkeypatch):
    "The check can fail: an index notebook whose text changed no longer matches."
    sys.path.insert(0, str(ROOT/'scripts')); import make_readme
    nb = (ROOT/'nbs'/'index.ipynb').read_text().replace('A small, hackable', 'A tiny, hackable')
    (tmp_path/'index.ipynb').write_text(nb)
    text = make_readme.readme_text(tmp_path/'index.ipynb')
    assert text != (ROOT/'README.md').read_text() and 'A tiny, hackable' in text and '](nbs/images/' in text
