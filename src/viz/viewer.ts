/** @file The viewer page's own script and style, inlined by toHtml: stepping, tooltips, colours, explain, modules. */

/** Plain ES2017 run as a classic inline script; reads the JSON block `#chainrule-data`. Never uses innerHTML for data. */
export const VIEWER_SCRIPT = String.raw`(function () {
  'use strict';
  // NaN and ±Infinity come as {"nonFinite": "NaN"} (JSON has no such numbers): made numbers again
  var D = JSON.parse(document.getElementById('chainrule-data').textContent, function (key, v) {
    return v !== null && typeof v === 'object' && typeof v.nonFinite === 'string' ? Number(v.nonFinite) : v;
  });
  var $ = function (id) { return document.getElementById(id); };
  function fmt(v) {
    if (v === null || v === undefined) return 'NaN';
    var a = Math.abs(v);
    return a !== 0 && isFinite(a) && (a >= 1e6 || a < 1e-4) ? v.toExponential(4) : v.toFixed(4);
  }
  function short(v) {
    if (v === null || v === undefined) return 'NaN';
    if (!isFinite(v)) return String(v);
    if (v === 0) return '0';
    var a = Math.abs(v);
    return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : String(Number(v.toPrecision(3)));
  }
  function summaryText(s) {
    var bad = [];
    if (s.nanCount > 0) bad.push(s.nanCount + ' NaN');
    if (s.infCount > 0) bad.push(s.infCount + ' Inf');
    var range = s.size === 0 ? 'empty'
      : s.size === 1 && s.data ? fmt(s.data[0])
      : '‖·‖ ' + short(s.norm) + ' ∈ [' + short(s.min) + ', ' + short(s.max) + ']';
    return '[' + s.shape.join(', ') + '] ' + range + (bad.length ? ' (' + bad.join(', ') + ')' : '');
  }
  function valueText(what, v) {
    if (typeof v === 'number') return what + ' ' + fmt(v);
    if (v.size === 1) return what + ' ' + fmt(v.data ? v.data[0] : v.nanCount ? NaN : v.min);
    return what + ' ' + summaryText(v);
  }
  function num(v) { return typeof v === 'number' ? fmt(v) : summaryText(v); }
  function name(id) { var n = D.names[id]; return n === undefined ? '#' + id : n; }

  // ── the graph elements, in each drawing (modules expanded, and collapsed into boxes) ──
  var views = [$('graph-full'), $('graph-collapsed')].filter(Boolean);
  var full = $('graph-full');
  // groups (g<id>): of a drawing summarised past maxNodes, or like units between boxes
  var groups = D.groups || {};
  // boxes (m_<module>): modules collapsed, with their parameters and the values they computed
  var boxes = D.boxes || {};
  var gradEl = {}; // id → the text elements showing its gradient, one per drawing that has it
  var shapeEl = {}; // id → the shapes its colour fills
  function isGradText(t) { return t.indexOf('grad ') === 0 || t.indexOf('‖grad‖ ') === 0 || t === 'no gradient yet'; }
  function collect(id, selector) {
    views.forEach(function (view) {
      var g = view.querySelector(selector);
      if (!g) return;
      var texts = g.querySelectorAll('text');
      var last = null;
      for (var i = 0; i < texts.length; i++) if (isGradText(texts[i].textContent)) last = texts[i];
      if (last) (gradEl[id] = gradEl[id] || []).push(last);
      (shapeEl[id] = shapeEl[id] || []).push(g.querySelector('polygon, path, ellipse'));
    });
  }
  Object.keys(D.nodes).forEach(function (id) { collect(id, '#v' + id); });
  Object.keys(groups).forEach(function (gid) { collect(gid, '#' + gid); });
  Object.keys(boxes).forEach(function (bid) { collect(bid, '#' + bid); });
  var groupOf = {};
  var boxOf = {};
  Object.keys(groups).forEach(function (gid) { (groups[gid].members || []).forEach(function (id) { groupOf[id] = gid; }); });
  Object.keys(boxes).forEach(function (bid) { (boxes[bid].members || []).forEach(function (id) { boxOf[id] = bid; }); });
  function count(n) { return n.toLocaleString('en-US'); }
  /** A group's gradient field at a step: norm and range of those its members have so far (as toDot writes it). */
  function groupGrad(gid, s) {
    var g = groups[gid];
    if (g.constant) return 'no gradient (constant)';
    var have = 0, lo = Infinity, hi = -Infinity, nan = 0, inf = 0, sizes = [];
    g.members.forEach(function (id) {
      var v = s[id];
      if (v === undefined) return;
      have++;
      if (typeof v === 'number') {
        if (isNaN(v)) nan++;
        else if (!isFinite(v)) inf++;
        else { sizes.push(Math.abs(v)); lo = Math.min(lo, v); hi = Math.max(hi, v); }
        return;
      }
      nan += v.nanCount; inf += v.infCount;
      if (v.size - v.nanCount - v.infCount > 0) { sizes.push(v.norm); lo = Math.min(lo, v.min); hi = Math.max(hi, v.max); }
    });
    // the norm, scaled by the largest magnitude so that tiny gradients do not underflow to 0
    var big = 0;
    sizes.forEach(function (x) { if (x > big) big = x; });
    var sq = 0;
    if (big > 0) sizes.forEach(function (x) { sq += (x / big) * (x / big); });
    if (have === 0) return 'no gradient yet';
    var bad = [];
    if (nan > 0) bad.push(nan + ' NaN');
    if (inf > 0) bad.push(inf + ' Inf');
    var range = lo > hi ? 'NaN' : '‖·‖ ' + short(big * Math.sqrt(sq)) + ' ∈ [' + short(lo) + ', ' + short(hi) + ']';
    return 'grad ' + range + (bad.length ? ' (' + bad.join(', ') + ')' : '') + (have < g.count ? ' (' + count(have) + ' of ' + count(g.count) + ')' : '');
  }

  /** '3.0000' → '3', as toDot writes a box's norm. */
  function trimZeros(text) {
    var parts = text.split('e');
    var m = parts[0].indexOf('.') >= 0 ? parts[0].replace(/\.?0+$/, '') : parts[0];
    return parts.length > 1 ? m + 'e' + parts[1] : m;
  }
  /** A box's gradient line at a step: the norm of its parameters' gradients so far (as toDot writes it). */
  function boxGrad(bid, s) {
    var graded = false, squares = 0;
    boxes[bid].params.forEach(function (id) {
      var v = s[id];
      if (v === undefined) return;
      graded = true;
      if (typeof v === 'number') squares += v * v;
      else squares += v.nanCount > 0 ? NaN : v.infCount > 0 ? Infinity : v.norm * v.norm;
    });
    return graded ? '‖grad‖ ' + trimZeros(fmt(Math.sqrt(squares))) : 'no gradient yet';
  }

  // ── step-through backward ──
  var steps = D.steps || [];
  var k = steps.length;
  function stateAt(count) {
    var s = {};
    s[D.root] = D.seed;
    for (var i = 0; i < count; i++) {
      var ins = steps[i].inputs;
      for (var j = 0; j < ins.length; j++) if (ins[j].accumulated !== null) s[ins[j].id] = ins[j].accumulated;
    }
    return s;
  }
  function clearLit() {
    var lit = document.querySelectorAll('.lit');
    for (var i = 0; i < lit.length; i++) lit[i].classList.remove('lit');
  }
  function line(text, cls) {
    var d = document.createElement('div');
    d.textContent = text;
    if (cls) d.className = cls;
    return d;
  }
  function show(count) {
    if (steps.length === 0) {
      $('step-counter').textContent = 'no steps to show';
      return; // the drawing's own gradients stay
    }
    k = Math.max(0, Math.min(steps.length, count));
    var s = stateAt(k);
    Object.keys(gradEl).forEach(function (id) {
      var text;
      if (groups[id]) {
        if (!groups[id].members) return;
        text = groupGrad(id, s);
      } else if (boxes[id]) {
        if (!boxes[id].params) return;
        text = boxGrad(id, s);
      } else text = s[id] === undefined ? 'no gradient yet' : valueText('grad', s[id]);
      gradEl[id].forEach(function (el) { el.textContent = text; });
    });
    clearLit();
    var panel = $('step');
    panel.replaceChildren();
    $('step-counter').textContent = 'step ' + k + ' / ' + steps.length;
    if (k === 0) {
      panel.appendChild(line('seed: ' + name(D.root) + '.grad = ' + num(D.seed)));
      return;
    }
    var st = steps[k - 1];
    var at = st.node.id;
    // light the value in each drawing, or the group or box it is drawn in; say which in the one shown
    var where = null;
    views.forEach(function (view) {
      var own = [view.querySelector('#v' + at), view.querySelector('#op' + at)].filter(Boolean);
      own.forEach(function (el) { el.classList.add('lit'); });
      if (own.length > 0) return;
      var group = groupOf[at] ? view.querySelector('#' + groupOf[at]) : null;
      var box = !group && boxOf[at] ? view.querySelector('#' + boxOf[at]) : null;
      if (!group && !box) return;
      (group || box).classList.add('lit');
      if (view.style.display === 'none') return;
      where = group
        ? '(a value of the group ' + groups[groupOf[at]].tip[0] + ', lit)'
        : '(a value inside the module ' + boxes[boxOf[at]].tip[0] + ', lit)';
    });
    panel.appendChild(line('rule of ' + name(at) + ' (' + (st.node.op || '') + ')', 'head'));
    if (where) panel.appendChild(line(where, 'muted'));
    panel.appendChild(line('upstream ∂' + name(D.root) + '/∂' + name(at) + ' = ' + num(st.upstream)));
    st.inputs.forEach(function (inp) {
      if (inp.contribution === null) {
        panel.appendChild(line(name(inp.id) + ': no gradient (constant)', 'muted'));
        return;
      }
      var text = typeof inp.contribution === 'number' && typeof inp.local === 'number'
        ? name(inp.id) + '.grad += ' + fmt(inp.local) + ' × ' + fmt(st.upstream) + ' = ' + fmt(inp.contribution) + '  → ' + fmt(inp.accumulated)
        : name(inp.id) + '.grad += rule(upstream) = ' + summaryText(inp.contribution) + '  → ' + summaryText(inp.accumulated);
      var d = line(text);
      d.setAttribute('data-testid', 'step-line');
      panel.appendChild(d);
    });
  }
  var timer = null;
  function stop() { if (timer) { clearInterval(timer); timer = null; $('play').textContent = '▶ play'; } }
  function play() {
    if (timer) { stop(); return; }
    if (k >= steps.length) show(0);
    $('play').textContent = '⏸ pause';
    timer = setInterval(function () { if (k >= steps.length) stop(); else show(k + 1); }, Math.max(30, 3000 / Math.max(1, steps.length)));
  }
  $('first').addEventListener('click', function () { stop(); show(0); });
  $('prev').addEventListener('click', function () { stop(); show(k - 1); });
  $('next').addEventListener('click', function () { stop(); show(k + 1); });
  $('last').addEventListener('click', function () { stop(); show(steps.length); });
  $('play').addEventListener('click', play);
  document.addEventListener('keydown', function (e) {
    if (e.target && e.target.tagName === 'INPUT' && e.target.type !== 'radio') return;
    var handled = true;
    if (e.key === 'ArrowRight') { stop(); show(k + 1); }
    else if (e.key === 'ArrowLeft') { stop(); show(k - 1); }
    else if (e.key === 'Home') { stop(); show(0); }
    else if (e.key === 'End') { stop(); show(steps.length); }
    else if (e.key === ' ') play();
    else handled = false;
    if (handled) e.preventDefault();
  });

  // ── colour modes and the legend ──
  function colour(mode) {
    Object.keys(shapeEl).forEach(function (id) {
      var owner = D.nodes[id] || groups[id]; // a box keeps its parameters' colour in every mode
      var f = owner && owner.fills[mode];
      if (f) shapeEl[id].forEach(function (el) { if (el) el.setAttribute('fill', f); });
    });
    $('legend').innerHTML = D.legends[mode];
  }
  var radios = document.querySelectorAll('input[name=colour]');
  for (var r = 0; r < radios.length; r++) {
    radios[r].addEventListener('change', function (e) { colour(e.target.value); });
  }

  // ── tooltips ──
  var tip = $('tooltip');
  function idOf(el) {
    while (el && el !== document) {
      if (el.id && /^v\d+$/.test(el.id)) return el.id.slice(1);
      if (el.id && (/^m_/.test(el.id) || /^g\d+$/.test(el.id))) return el.id;
      el = el.parentNode;
    }
    return null;
  }
  function rows(id) {
    var n = D.nodes[id];
    if (groups[id]) {
      var tip = groups[id].tip.slice();
      if (groups[id].members && steps.length > 0) tip.push('at this step: ' + groupGrad(id, stateAt(k)));
      return tip;
    }
    if (boxes[id]) {
      if (!boxes[id].params || steps.length === 0) return boxes[id].tip;
      var now = boxGrad(id, stateAt(k));
      return boxes[id].tip.map(function (t) { return isGradText(t) ? now : t; });
    }
    if (!n) return [id];
    var s = stateAt(k)[id];
    var out = [n.name + (n.op ? '  (' + n.op + ')' : '  (' + n.role + ')')];
    function stats(what, v) {
      if (typeof v === 'number') { out.push(what + ': ' + fmt(v)); return; }
      if (v.size === 1 && v.data) { out.push(what + ': ' + fmt(v.data[0]) + '  (shape [' + v.shape.join(', ') + '], ' + v.dtype + ')'); return; }
      out.push(what + ': shape [' + v.shape.join(', ') + '], ' + v.dtype);
      out.push('  min ' + short(v.min) + '  max ' + short(v.max) + '  mean ' + short(v.mean));
      out.push('  std ' + short(v.std) + '  norm ' + short(v.norm));
      out.push('  NaN ' + v.nanCount + '  Inf ' + v.infCount);
    }
    stats('value', n.data);
    if (!n.requiresGrad) out.push('gradient: none (constant)');
    else if (s === undefined) out.push('gradient: not yet at this step');
    else stats('gradient', s);
    return out;
  }
  views.forEach(function (view) {
    view.addEventListener('mouseover', function (e) {
      var id = idOf(e.target);
      if (id === null) return;
      tip.replaceChildren();
      rows(id).forEach(function (t) { tip.appendChild(line(t)); });
      tip.style.display = 'block';
    });
    view.addEventListener('mousemove', function (e) {
      tip.style.left = (e.clientX + 14) + 'px';
      tip.style.top = (e.clientY + 14) + 'px';
    });
    view.addEventListener('mouseout', function (e) {
      if (idOf(e.relatedTarget) === null) tip.style.display = 'none';
    });
    view.addEventListener('click', function (e) {
      var id = idOf(e.target);
      if (id !== null && groups[id]) {
        $('explain-title').textContent = groups[id].tip[0] + ': a group of ' + count(groups[id].count) + ' values';
        $('explain-text').textContent = groups[id].units
          ? 'explain() follows the paths of one value. This drawing shows like values between collapsed modules as one record: expand modules (or draw with a larger maxNodes) to click one, or call explain(root, value) in code.'
          : 'explain() follows the paths of one value. This drawing groups values past maxNodes: call explain(root, value) in code, or draw fewer values (a larger maxNodes, or modules) to click one.';
        $('explain-sum').textContent = '';
        $('explain-grad').textContent = '';
        $('explain').style.display = 'block';
        return;
      }
      var ex = id === null ? null : D.explain[id];
      if (!ex) return;
      $('explain-title').textContent = 'explain(' + name(D.root) + ', ' + name(id) + (ex.index ? ', [' + ex.index.join(', ') + ']' : '') + ')';
      $('explain-text').textContent = ex.text;
      $('explain-sum').textContent = String(ex.sum);
      $('explain-grad').textContent = String(ex.grad);
      $('explain').style.display = 'block';
    });
  });

  // ── pan and zoom, and modules collapsed or expanded ──
  var zoomers = {};
  function zoom(view) {
    var svg = view.querySelector('svg');
    if (!svg || zoomers[view.id] || typeof svgPanZoom !== 'function') return;
    svg.setAttribute('width', '100%');
    svg.setAttribute('height', '100%');
    zoomers[view.id] = svgPanZoom(svg, { controlIconsEnabled: true, fit: true, center: true, minZoom: 0.02, maxZoom: 40 });
  }
  zoom(full);
  var toggle = $('collapse');
  if (toggle && !toggle.disabled) {
    toggle.addEventListener('click', function () {
      var collapsed = $('graph-collapsed');
      var showCollapsed = collapsed.style.display === 'none';
      collapsed.style.display = showCollapsed ? 'block' : 'none';
      full.style.display = showCollapsed ? 'none' : 'block';
      toggle.textContent = showCollapsed ? 'expand modules' : 'collapse modules';
      zoom(showCollapsed ? collapsed : full);
      if (steps.length > 0) show(k); // the step panel says what is lit in the drawing shown
    });
  }
  colour(D.first);
  show(steps.length);
  document.body.setAttribute('data-ready', 'true');
})();`;

export const VIEWER_CSS = `
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #111827; }
body { display: flex; flex-direction: column; }
header { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; padding: 6px 10px; border-bottom: 1px solid #e5e7eb; background: #f9fafb; }
header h1 { font-size: 15px; margin: 0 8px 0 0; }
header button { font: inherit; padding: 2px 8px; border: 1px solid #d1d5db; border-radius: 4px; background: white; cursor: pointer; }
header fieldset { border: 0; margin: 0; padding: 0; display: flex; gap: 8px; }
main { flex: 1; display: flex; min-height: 0; }
.view { flex: 1; min-width: 0; position: relative; }
.view svg { display: block; }
.view g.node { cursor: pointer; }
.lit polygon, .lit ellipse { stroke: #dc2626; stroke-width: 3px; }
aside { width: 380px; overflow: auto; border-left: 1px solid #e5e7eb; padding: 8px 10px; background: #fcfcfd; }
aside h2 { font-size: 13px; margin: 10px 0 4px; }
#step div { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; white-space: pre-wrap; }
#step .head { font-weight: 600; }
#step .muted { color: #6b7280; }
aside .note { font-size: 11px; color: #4b5563; }
#legend .title { font-weight: 600; }
#legend .bar { display: flex; margin: 4px 0 0; }
#legend .bar span { flex: 1; height: 14px; border: 1px solid #d1d5db; }
#legend .scale { display: flex; justify-content: space-between; font-size: 11px; }
#legend .note { font-size: 11px; color: #4b5563; }
#legend .sw { display: flex; align-items: center; gap: 6px; font-size: 12px; }
#legend .sw span { width: 14px; height: 12px; border: 1px solid #9ca3af; display: inline-block; }
#explain { display: none; }
#explain pre { white-space: pre-wrap; font-size: 11px; background: #f3f4f6; padding: 6px; }
#tooltip { position: fixed; display: none; pointer-events: none; background: #111827; color: white; padding: 6px 8px; border-radius: 4px; font: 12px/1.35 ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap; overflow-wrap: anywhere; max-width: min(640px, 60vw); z-index: 10; }
`;
