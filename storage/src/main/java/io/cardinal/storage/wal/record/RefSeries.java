package io.cardinal.storage.wal.record;

/** One entry of a series record: the series' WAL reference and its labels. */
public record RefSeries(long ref, LabelPairs labels) {}
