"""The reconnection schedule: full jitter under a doubling ceiling, reset after a healthy connection."""

import unittest

from promptcast.backoff import Backoff, BackoffSettings, backoff_ceiling, backoff_delay


class BackoffTest(unittest.TestCase):
    def test_ceiling_doubles_from_initial_and_stops_at_maximum(self):
        s = BackoffSettings(initial=0.5, maximum=30.0)
        self.assertEqual([backoff_ceiling(n, s) for n in range(8)], [0.5, 1, 2, 4, 8, 16, 30, 30])
        self.assertEqual(backoff_ceiling(10_000, s), 30.0)  # a long outage does not overflow

    def test_full_jitter_spans_zero_to_the_ceiling(self):
        s = BackoffSettings(initial=0.5, maximum=30.0)
        self.assertEqual(backoff_delay(3, s, lambda: 0.0), 0.0)
        self.assertAlmostEqual(backoff_delay(3, s, lambda: 0.999999), 4 * 0.999999)
        self.assertEqual(backoff_delay(3, s, lambda: 0.5), 2.0)

    def test_schedule_steps_and_resets_after_a_healthy_connection(self):
        b = Backoff(BackoffSettings(initial=1, maximum=8, healthy_after=60), random=lambda: 0.5)
        self.assertEqual([b.next() for _ in range(5)], [0.5, 1, 2, 4, 4])
        b.connection_ended(opened_at=100, now=159.9)
        self.assertEqual(b.next(), 4)
        b.connection_ended(opened_at=100, now=160)
        self.assertEqual(b.attempts, 0)
        self.assertEqual(b.next(), 0.5)


if __name__ == "__main__":
    unittest.main()
