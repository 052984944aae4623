//! The run's outputs: events.csv, timeline.csv, transcript.txt, summary.json.
