/** @file Frames of a backward pass: one drawing per rule application, from a trace. */

import type { Node } from '../engine/node.js';
import { checkOptions } from '../errors.js';
import { DOT_OPTIONS, type DotOptions, toDot } from './dot.js';
import type { Shown } from './text.js';
import type { BackwardTrace } from './trace.js';

/** Options of `traceFrames`: those of `toDot` (`{ colour: 'gradient', composites: true }`). */
export type FrameOptions = Omit<DotOptions, 'gradients' | 'highlight'>;

/** toDot's options but the two the frames set themselves. */
const { gradients: _gradients, highlight: _highlight, ...FRAME_OPTIONS } = DOT_OPTIONS;

/**
 * DOT text for each moment of the traced pass: frame 0 holds only the seed on the root; frame k
 * (1 … steps) shows the node whose k-th rule ran highlighted, and every gradient as far as the pass
 * had summed it. Render each with `renderSvg` (the demo writes them as numbered SVG files).
 *
 * @example
 * const trace = traceBackward(loss);
 * const frames = traceFrames(loss, trace);   // frames.length === trace.steps.length + 1
 */
export function traceFrames(root: Node, trace: BackwardTrace, options: FrameOptions = {}): string[] {
  checkOptions('traceFrames', options, FRAME_OPTIONS);
  if (trace.root.id !== root.id) {
    throw new TypeError(
      `traceFrames: the trace is of node #${trace.root.id}, not of this root (#${root.id}); pass the root that was traced`,
    );
  }
  const gradients = new Map<number, Shown | null>([[root.id, trace.seed]]);
  const frames = [toDot(root, { ...options, gradients })];
  for (const step of trace.steps) {
    for (const input of step.inputs)
      if (input.accumulated !== null) gradients.set(input.id, input.accumulated);
    frames.push(toDot(root, { ...options, gradients, highlight: step.node.id }));
  }
  return frames;
}
