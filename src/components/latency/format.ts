/** Milliseconds with the digits a measurement here has: a decode pass can take well under 1 ms. */
export function ms(value: number): string {
	const a = Math.abs(value);
	if (a >= 100) return `${Math.round(value)} ms`;
	if (a >= 10) return `${value.toFixed(1)} ms`;
	if (a >= 1) return `${value.toFixed(2)} ms`;
	return `${value.toPrecision(2)} ms`;
}

/** A share as a signed percentage: "+4.2%", "−11%". */
export function signedPercent(share: number): string {
	const p = share * 100;
	const digits = Math.abs(p) < 10 ? 1 : 0;
	const text = Math.abs(p).toFixed(digits);
	return `${p < 0 && text !== (0).toFixed(digits) ? '−' : '+'}${text}%`;
}

export function perSecond(rate: number): string {
	return `${rate >= 100 ? Math.round(rate).toLocaleString('en') : rate.toFixed(1)} tokens/s`;
}
