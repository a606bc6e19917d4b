import { stringify } from 'csv-stringify';
import express from 'express';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';

/**
 * Streams pages of rows to the response as CSV: one page in memory at a time,
 * waiting whenever the client reads slower than the database answers.
 *
 * Cells that a spreadsheet would run as a formula (starting with = + - @, a
 * tab or a carriage return) are prefixed with a quote (OWASP's advice). A
 * client that goes away ends the stream and stops paging; a failure half-way
 * aborts the response instead of ending it as if it were complete.
 */
export async function streamCsv(
  res: express.Response,
  filename: string,
  columns: string[],
  pages: AsyncIterable<object[]> | Iterable<object[]>,
): Promise<void> {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  async function* rows() {
    for await (const page of pages) yield* page;
  }
  try {
    await pipeline(
      Readable.from(rows()),
      stringify({
        header: true,
        columns,
        escape_formulas: true,
        cast: { boolean: value => (value ? 'yes' : 'no') },
      }),
      res,
    );
  } catch (error) {
    // Headers are gone: the only honest signal left is a broken connection.
    res.destroy();
    if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE')
      return; // the client went away; nothing to report
    throw error;
  }
}
