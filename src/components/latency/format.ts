/**
 * Milliseconds with the digits a measurement here has: a decode pass can take well under 1 ms. A
 * negative value (a prediction's error) takes the minus sign, as `signedPercent` does.
 */
export function ms(value: number): string {
	const a = Math.abs(value);
	const digits = a >= 100 ? String(Math.round(a)) : a >= 10 ? a.toFixed(1) : a >= 1 ? a.toFixed(2) : a.toPrecision(2);
	return `${value < 0 && Number(digits) !== 0 ? '−' : ''}${digits} ms`;
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
