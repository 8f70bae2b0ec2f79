"""The SSE parser against the WHATWG rules, fed whole, byte by byte and in random chunks."""

import random
import unittest

from promptcast.sse import SseEvent, SseParser

STREAM = (
    "retry: 2500\n\n"
    ": a comment line\n"
    "id: 7\nevent: snapshot\ndata: {\"revision\":7,\"prompts\":{}}\n\n"
    "event: heartbeat\r\nid: 8\r\ndata: {\"revision\":8}\r\n\r\n"
    "data: line one\rdata: line two\r\r"
    "id: 9\nevent: prompt.updated\ndata:{\"text\":\"café ☕ 🎙️\"}\n\n"
    "event: ignored-no-data\n\n"
    "data\n\n"
    "retry: 12x\nretry: 900\n\n"
    "id: bad\x00id\ndata: keeps id 9\n\n"
    "unknownfield: x\ndata:  two leading spaces\n\n"
    "data: unterminated at the end"
).encode("utf-8")

EXPECTED = [
    SseEvent("snapshot", '{"revision":7,"prompts":{}}', "7"),
    SseEvent("heartbeat", '{"revision":8}', "8"),
    SseEvent("message", "line one\nline two", "8"),
    SseEvent("prompt.updated", '{"text":"café ☕ 🎙️"}', "9"),
    SseEvent("message", "", "9"),
    SseEvent("message", "keeps id 9", "9"),
    SseEvent("message", " two leading spaces", "9"),
]


def feed_all(chunks):
    parser = SseParser()
    events = []
    for chunk in chunks:
        events.extend(parser.feed(chunk))
    return parser, events


class SseParserTest(unittest.TestCase):
    def test_whole_stream(self):
        parser, events = feed_all([STREAM])
        self.assertEqual(events, EXPECTED)
        self.assertEqual(parser.retry, 900)
        self.assertEqual(parser.last_event_id, "9")

    def test_byte_by_byte(self):
        _, events = feed_all([STREAM[i : i + 1] for i in range(len(STREAM))])
        self.assertEqual(events, EXPECTED)

    def test_random_chunks(self):
        rng = random.Random(20261201)
        for _ in range(300):
            chunks, i = [], 0
            while i < len(STREAM):
                size = rng.randint(1, 17)
                chunks.append(STREAM[i : i + size])
                i += size
            _, events = feed_all(chunks)
            self.assertEqual(events, EXPECTED)

    def test_crlf_split_between_chunks_is_one_line_end(self):
        _, events = feed_all([b"data: a\r", b"\n", b"\r", b"\ndata: b\n\n"])
        self.assertEqual(events, [SseEvent("message", "a", ""), SseEvent("message", "b", "")])
        _, events = feed_all([b"data: a\r", b"\r"])
        self.assertEqual(events, [SseEvent("message", "a", "")])

    def test_leading_byte_order_mark_is_dropped_once(self):
        _, events = feed_all([b"\xef\xbb", b"\xbfdata: x\n\n"])
        self.assertEqual(events, [SseEvent("message", "x", "")])

    def test_retry_takes_only_ascii_digits(self):
        for line, expected in ((b"retry: 10\n", 10), (b"retry: -1\n", None), (b"retry: 1.5\n", None), (b"retry:\n", None), (b"retry: \xd9\xa3\n", None)):
            parser, _ = feed_all([line])
            self.assertEqual(parser.retry, expected, line)

    def test_a_line_or_event_past_the_bound_is_refused_not_held(self):
        parser = SseParser(max_chars=100)
        parser.feed(b"data: " + b"x" * 50 + b"\n\n")
        with self.assertRaises(ValueError):
            parser.feed(b"data: " + b"y" * 200)
        parser = SseParser(max_chars=100)
        with self.assertRaises(ValueError):
            for _ in range(10):
                parser.feed(b"data: " + b"z" * 20 + b"\n")

    def test_comments_only_dispatch_nothing(self):
        _, events = feed_all([b": keep-alive\n\n: again\n\n"])
        self.assertEqual(events, [])


if __name__ == "__main__":
    unittest.main()
