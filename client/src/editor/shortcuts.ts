const isApple = /Mac|iPhone|iPad|iPod/.test(navigator.userAgent);

/**
 * A Tiptap shortcut ("Mod-Alt-1") in two forms: aria-keyshortcuts ("Control+Alt+1") and a
 * readable hint for the tooltip ("Ctrl+Alt+1", or "⌘⌥1" on Apple devices).
 */
export function describeShortcut(shortcut: string): { aria: string; hint: string } {
  const keys = shortcut.split('-');
  const aria = keys
    .map((key) => {
      if (key === 'Mod') return isApple ? 'Meta' : 'Control';
      if (key.length === 1) return key.toUpperCase();
      return key;
    })
    .join('+');
  const hint = keys
    .map((key) => {
      if (key === 'Mod') return isApple ? '⌘' : 'Ctrl';
      if (key === 'Alt') return isApple ? '⌥' : 'Alt';
      if (key === 'Shift') return isApple ? '⇧' : 'Shift';
      return key.toUpperCase();
    })
    .join(isApple ? '' : '+');
  return { aria, hint };
}
