import { snippetParts } from "../search";

/** A search snippet with its matched words in <mark>, every part a text node (never HTML). */
export function Snippet({ snippet }: { snippet: string }) {
  return (
    <span class="search-snippet">
      {snippetParts(snippet).map((part, i) => (part.hit ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
    </span>
  );
}
