#!/usr/bin/env python3
"""extract-nlds-css.py: cut the NL Design System CSS the website uses out of the npm packages.

Writes crates/watwerkt-web/static/nlds.css: the rules of the Utrecht components we use
(@utrecht/component-library-css, EUPL-1.2) and the custom properties they need from the
NL Design System example theme (@nl-design-system-unstable/voorbeeld-design-tokens, EUPL-1.2),
resolved transitively. (@utrecht/design-tokens is not used: its licence reserves the Utrecht
brand; the example theme is the one meant for reuse.)

Usage: scripts/extract-nlds-css.py   (runs `npm pack` into a temp dir; node_modules never touches the repo)
"""
import os
import re
import subprocess
import sys
import tarfile
import tempfile

CSS_PKG = "@utrecht/component-library-css@9.0.4"
TOKENS_PKG = "@nl-design-system-unstable/voorbeeld-design-tokens@7.4.1"
COMPONENTS = [
    "alert", "button", "checkbox", "data-list", "document", "form-field", "form-field-description",
    "form-fieldset", "form-label", "heading-1", "heading-2", "heading-3", "link", "mark",
    "ordered-list", "page-body", "page-content", "page-footer", "page-header", "paragraph",
    "select", "separator", "skip-link", "status-badge", "table", "textarea", "textbox",
    "unordered-list", "badge-counter", "nav-bar", "nav-list", "alternate-lang-nav",
]
OUT = os.path.join(os.path.dirname(__file__), "..", "crates", "watwerkt-web", "static", "nlds.css")


def pack(spec, into):
    name = subprocess.check_output(["npm", "pack", "--silent", spec], cwd=into, text=True).split()[-1]
    with tarfile.open(os.path.join(into, name)) as t:
        t.extractall(os.path.join(into, name + ".d"), filter="data")
    return os.path.join(into, name + ".d", "package")


def blocks(css):
    """Top-level blocks as (prelude, body) with nested at-rules kept whole."""
    out, i, n = [], 0, len(css)
    while i < n:
        j = css.find("{", i)
        if j < 0:
            break
        prelude = css[i:j].strip()
        depth, k = 1, j + 1
        while depth and k < n:
            depth += {"{": 1, "}": -1}.get(css[k], 0)
            k += 1
        out.append((prelude, css[j + 1:k - 1]))
        i = k
    return out


def wanted(selector):
    classes = re.findall(r"\.utrecht-([a-z0-9-]+?)(?:__|--|[\s:,.\[>+~)]|$)", selector + " ")
    return classes and all(c in COMPONENTS for c in classes)


def strip_comments(css):
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def main():
    tmp = tempfile.mkdtemp()
    css_dir = pack(CSS_PKG, tmp)
    tok_dir = pack(TOKENS_PKG, tmp)
    css = strip_comments(open(os.path.join(css_dir, "dist", "index.css")).read().replace('@charset "UTF-8";', ""))
    rules = []
    for prelude, body in blocks(css):
        if prelude.startswith("@"):
            inner = [f"{p}{{{b}}}" for p, b in blocks(body) if wanted(p)]
            if inner:
                rules.append(f"{prelude}{{{''.join(inner)}}}")
        elif wanted(prelude):
            rules.append(f"{prelude}{{{body.strip()}}}")
    # Whitespace collapsed: the file is served compressed, but parsed on every page view.
    used = "\n".join(re.sub(r"\s*([{};])\s*", r"\1", re.sub(r"\s+", " ", r)) for r in rules)
    tokens = {}
    theme = strip_comments(open(os.path.join(tok_dir, "dist", "theme.css")).read())
    for name, value in re.findall(r"(--[a-z0-9-]+):\s*([^;]+);", theme):
        tokens[name] = value.strip()
    need, seen = set(re.findall(r"var\((--[a-z0-9-]+)", used)), set()
    while need:
        t = need.pop()
        if t in seen or t not in tokens:
            continue
        seen.add(t)
        need |= set(re.findall(r"var\((--[a-z0-9-]+)", tokens[t]))
    root = "".join(f"{t}:{tokens[t]};" for t in sorted(seen))
    with open(OUT, "w") as f:
        f.write(f"/* watwerkt: extracted by scripts/extract-nlds-css.py from {CSS_PKG} and {TOKENS_PKG},\n"
                " * both EUPL-1.2 (Copyright Gemeente Utrecht, Frameless B.V., NL Design System community).\n"
                " * Do not edit; rerun the script. */\n")
        f.write(f":root{{{root}}}\n{used}\n")
    print(f"{OUT}: {len(rules)} rules, {len(seen)} tokens", file=sys.stderr)


if __name__ == "__main__":
    main()
