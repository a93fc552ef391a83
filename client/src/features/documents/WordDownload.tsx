import { Button } from '../../ui/Button.tsx';

/**
 * The Word download with its choices: which comments go in, and whether each person's
 * words are marked as in the author view. A plain GET form, so the browser downloads the
 * file itself (the server answers with an attachment) and the page stays as it is. What
 * may not leave the group is left out by the server whatever is chosen.
 */
export function WordDownload({ documentId }: { documentId: string }) {
  return (
    <details className="word-download">
      <summary>Word download options</summary>
      <form
        className="word-download__form"
        method="get"
        action={`/api/documents/${encodeURIComponent(documentId)}/export.docx`}
      >
        <fieldset>
          <legend>Comments</legend>
          <label>
            <input type="radio" name="comments" value="none" defaultChecked /> No comments
          </label>
          <label>
            <input type="radio" name="comments" value="open" /> Open comments, beside their words
          </label>
          <label>
            <input type="radio" name="comments" value="all" /> All comments, resolved ones too
          </label>
        </fieldset>
        <label>
          <input type="checkbox" name="authors" value="shown" /> Mark who wrote what: each person’s
          words tinted in their colour and underlined in their own style, with a key naming everyone
          as they chose to be credited
        </label>
        <Button type="submit" variant="secondary">
          Download Word document
        </Button>
      </form>
    </details>
  );
}
