/**
 * Debian's chromium as every Playwright run here drives it (never a
 * downloaded browser), headless on a machine without a GPU.
 */
export const debianChromium = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};
