/**
 * The heatmap's colour scale: cividis (Nuñez et al. 2018), a sequential scale designed to read the same for
 * viewers with colour-vision deficiency, sampled at five stops and interpolated in sRGB. Input: statistic ÷
 * threshold on [0, RATIO_MAX]; 1 (the threshold) sits in the middle.
 */
import { RATIO_MAX } from "./model";

const STOPS: [number, number, number][] = [
  [0x00, 0x22, 0x4e],
  [0x41, 0x4d, 0x6b],
  [0x7c, 0x7b, 0x78],
  [0xbc, 0xaf, 0x6f],
  [0xfe, 0xe8, 0x38],
];

export function rgbOf(ratio: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, ratio / RATIO_MAX)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(t));
  const f = t - i;
  const a = STOPS[i];
  const b = STOPS[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number];
}

export function colorOf(ratio: number): string {
  const [r, g, b] = rgbOf(ratio);
  return `rgb(${r},${g},${b})`;
}

/** Whether a mark drawn on this colour should be dark (relative luminance above ~0.35). */
export function darkInkOn(ratio: number): boolean {
  const [r, g, b] = rgbOf(ratio).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.3;
}

/** CSS gradient of the scale, for the legend. */
export function gradientCss(): string {
  return `linear-gradient(to right, ${STOPS.map(([r, g, b], i) => `rgb(${r},${g},${b}) ${(i / (STOPS.length - 1)) * 100}%`).join(", ")})`;
}
