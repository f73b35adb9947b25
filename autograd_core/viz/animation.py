"""A self-contained HTML page that steps through backward frames (no external files or scripts)."""

from __future__ import annotations

import html
import re

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Backprop, step by step</title>
<style>
  body {{ font-family: Helvetica, Arial, sans-serif; margin: 1.5em; color: #222; }}
  .bar {{ display: flex; gap: .6em; align-items: center; margin-bottom: 1em; }}
  button {{ font-size: 1em; padding: .3em .9em; }}
  .frame {{ display: none; overflow: auto; }}
  .frame.shown {{ display: block; }}
  .frame svg {{ max-width: 100%; height: auto; }}
</style>
</head>
<body>
<h2>Backprop, step by step</h2>
<p>Each step takes the node whose gradient is complete (yellow), and passes it to the inputs of the
op that made it (orange edges). Green nodes are done; <i>grad so far</i> is still accumulating.
Keys: &larr; / &rarr;.</p>
<div class="bar">
  <button id="prev">&larr; previous</button>
  <button id="next">next &rarr;</button>
  <input id="slider" type="range" min="1" max="{n}" value="1">
  <span id="count">step 1 of {n}</span>
</div>
{frames}
<script>
(function () {{
  var frames = document.querySelectorAll('.frame');
  var slider = document.getElementById('slider');
  var count = document.getElementById('count');
  var k = 0;
  function show(i) {{
    k = Math.max(0, Math.min(frames.length - 1, i));
    frames.forEach(function (f, j) {{ f.classList.toggle('shown', j === k); }});
    slider.value = k + 1;
    count.textContent = 'step ' + (k + 1) + ' of ' + frames.length;
  }}
  document.getElementById('prev').onclick = function () {{ show(k - 1); }};
  document.getElementById('next').onclick = function () {{ show(k + 1); }};
  slider.oninput = function () {{ show(parseInt(slider.value, 10) - 1); }};
  document.addEventListener('keydown', function (e) {{
    if (e.key === 'ArrowLeft') show(k - 1);
    if (e.key === 'ArrowRight') show(k + 1);
  }});
  show(0);
}})();
</script>
</body>
</html>
"""

_PROLOG = re.compile(r"^.*?(?=<svg)", re.S)


def frames_page(svgs: list[str]) -> str:
    """The HTML page: one `<div class="frame">` per SVG, previous/next buttons and a slider."""
    if not svgs:
        raise ValueError("frames_page: no frames to show")
    divs = []
    for k, svg in enumerate(svgs):
        body = _PROLOG.sub("", svg, count=1)  # drop the XML prolog and DOCTYPE: inline SVG
        divs.append(f'<div class="frame" id="frame-{k + 1}" '
                    f'aria-label="{html.escape(f"step {k + 1}")}">\n{body}</div>')
    return _PAGE.format(n=len(svgs), frames="\n".join(divs))
