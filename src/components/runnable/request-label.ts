/** A, B, … Z, then 27, 28, … (a request's name in the timeline, the block table and the notices). */
export function requestLabel(request: number): string {
	return request < 26 ? String.fromCharCode(65 + request) : String(request + 1);
}
