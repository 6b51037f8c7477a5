"""Write README.md from nbs/index.ipynb, the front page (nbdev's `readme_nb`), with nbconvert's Markdown exporter.

`nbdev-readme` does this with Quarto, which cannot be installed on machines without network access to its binary;
this script needs only nbconvert (installed with jupyterlab). Image paths relative to nbs/ become paths relative to
the repository root. `--check` only compares, and exits 1 (saying what to run) when README.md is out of date.
"""
import sys, argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def readme_text(index:Path=ROOT/'nbs'/'index.ipynb')->str:
    "README.md as index.ipynb exports to Markdown."
    import nbformat
    from nbconvert import MarkdownExporter
    body, _ = MarkdownExporter().from_notebook_node(nbformat.read(index, as_version=4))
    return body.replace('](images/', '](nbs/images/')

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--check', action='store_true', help='only compare; exit 1 if README.md differs')
    a = p.parse_args()
    text, readme = readme_text(), ROOT/'README.md'
    if a.check:
        if readme.read_text() != text: sys.exit('README.md differs from nbs/index.ipynb: edit the notebook, then run python scripts/make_readme.py')
        print('README.md matches nbs/index.ipynb')
    else: readme.write_text(text); print(f'wrote {readme}')
