/**
 * Copy text to the clipboard. `text` may be a promise (e.g. a fetch) so the write still starts
 * inside the click handler: Safari drops clipboard access once the user gesture has ended.
 */
export async function copyToClipboard(text: string | Promise<string>): Promise<void> {
	if (typeof text === 'string') return navigator.clipboard.writeText(text);
	if (typeof ClipboardItem !== 'undefined' && 'write' in navigator.clipboard) {
		const blob = text.then((value) => new Blob([value], { type: 'text/plain' }));
		return navigator.clipboard.write([new ClipboardItem({ 'text/plain': blob })]);
	}
	return navigator.clipboard.writeText(await text);
}
