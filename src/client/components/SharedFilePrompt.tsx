import type { SharedFileOffer } from '../state/launch-files.ts';

/** "An image was shared with Cutwise: Open / Discard" — nothing runs before the person chooses. */
export function SharedFilePrompt(props: { offer: SharedFileOffer }) {
  return (
    <div class="message notice" role="alertdialog" aria-labelledby="shared-file-title" data-testid="shared-file">
      <span id="shared-file-title">
        An image was shared with Cutwise: <strong>{props.offer.name}</strong> ({props.offer.size}). Open it?
      </span>
      <span class="export">
        <button type="button" data-testid="shared-open" onClick={() => void props.offer.open()}>
          Open
        </button>
        <button type="button" data-testid="shared-discard" onClick={() => void props.offer.discard()}>
          Discard
        </button>
      </span>
    </div>
  );
}
