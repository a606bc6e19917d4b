import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useState } from 'react';
import { errorMessage } from './errorMessage';

/**
 * Fetches a file the backend builds and hands it to the browser, saying in
 * plain words (`failure`, then the reason) when it cannot.
 */
export function useDownload(failure: string) {
  const alertApi = useApi(alertApiRef);
  const [busy, setBusy] = useState(false);
  const download = async (fetchFile: () => Promise<Blob>, filename: string) => {
    setBusy(true);
    try {
      const blob = await fetchFile();
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      document.body.appendChild(link);
      link.click();
      link.remove();
      URL.revokeObjectURL(url);
    } catch (e) {
      alertApi.post({
        message: `${failure}: ${errorMessage(e)}`,
        severity: 'error',
      });
    } finally {
      setBusy(false);
    }
  };
  return { busy, download };
}
