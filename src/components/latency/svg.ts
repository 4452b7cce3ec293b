/** Small helpers to draw the demo's charts with DOM calls (no markup strings, so no text is ever parsed as HTML). */
const NS = 'http://www.w3.org/2000/svg';

export function svgEl<K extends keyof SVGElementTagNameMap>(
	name: K,
	attrs: Record<string, string | number> = {},
	text?: string,
): SVGElementTagNameMap[K] {
	const el = document.createElementNS(NS, name);
	for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
	if (text !== undefined) el.textContent = text;
	return el;
}

/** An SVG that is one image to assistive technology, named, and described by its `<desc>` (whose id is `descId`). */
export function chartSvg(
	width: number,
	height: number,
	label: string,
	description: string,
	descId: string,
): SVGSVGElement {
	const svg = svgEl('svg', {
		viewBox: `0 0 ${width} ${height}`,
		role: 'img',
		'aria-label': label,
		'aria-describedby': descId,
	});
	svg.append(svgEl('desc', { id: descId }, description));
	return svg;
}
