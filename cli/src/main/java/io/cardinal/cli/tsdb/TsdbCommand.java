package io.cardinal.cli.tsdb;

import io.cardinal.compact.MergeQuerier;
import io.cardinal.config.Durations;
import io.cardinal.exposition.ExpositionParseException;
import io.cardinal.promql.PromQL;
import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.storage.block.Block;
import io.cardinal.storage.block.BlockMeta;
import io.cardinal.tsdb.labels.MatchType;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cardinal tsdb}: promtool's {@code tsdb} commands with promtool's names, arguments and
 * output, so scripts written against promtool work unchanged. Exit codes: 0 success, 1 failure (bad
 * input file, unreadable block, unreachable server), 2 usage error.
 */
@Command(
    name = "tsdb",
    mixinStandardHelpOptions = true,
    description = "Run tsdb commands (as promtool tsdb).",
    subcommands = {
      TsdbCommand.CreateBlocksFrom.class,
      TsdbCommand.Analyze.class,
      TsdbCommand.Dump.class,
      TsdbCommand.ListBlocks.class
    })
public final class TsdbCommand implements Runnable {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }

  /** Durations with Prometheus's units (2h, 90m, 1d). */
  static final class DurationConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return Durations.parse(value);
    }
  }

  static int fail(PrintWriter err, String msg) {
    err.println(msg);
    err.flush();
    return 1;
  }

  // ------------------------------------------------------------------ create-blocks-from

  @Command(
      name = "create-blocks-from",
      mixinStandardHelpOptions = true,
      description = "Import samples from input and produce TSDB blocks.",
      subcommands = {OpenMetrics.class})
  public static final class CreateBlocksFrom implements Runnable {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = {"-r", "--human-readable"},
        scope = CommandLine.ScopeType.INHERIT,
        description = "Print human readable values.")
    boolean humanReadable;

    @Option(
        names = {"-q", "--quiet"},
        scope = CommandLine.ScopeType.INHERIT,
        description = "Do not print created blocks.")
    boolean quiet;

    @Option(
        names = "--max-block-duration",
        defaultValue = "2h",
        converter = DurationConverter.class,
        scope = CommandLine.ScopeType.INHERIT,
        description =
            "Maximum duration created blocks may span (rounded down to 2h·3^n, as promtool).")
    long maxBlockDurationMs;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getErr());
      throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
    }
  }

  @Command(
      name = "openmetrics",
      mixinStandardHelpOptions = true,
      description = "Import samples from OpenMetrics input and produce TSDB blocks.")
  public static final class OpenMetrics implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand CreateBlocksFrom parent;

    @Parameters(
        index = "0",
        paramLabel = "<input file>",
        description = "OpenMetrics file to read samples from.")
    Path input;

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "<output directory>",
        defaultValue = "data/",
        description = "Output directory for generated blocks (default data/).")
    Path output;

    @Option(
        names = "--samples-per-pass",
        hidden = true,
        defaultValue = "20000000",
        description =
            "Samples held in memory at once; more block ranges than fit take further passes.")
    long samplesPerPass;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!Files.isRegularFile(input)) {
        return fail(err, "reading " + input + ": no such file");
      }
      OpenMetricsImporter imp =
          new OpenMetricsImporter(input, output, parent.maxBlockDurationMs, samplesPerPass);
      ProgressBar bar = new ProgressBar(err, "importing " + input.getFileName());
      boolean[] header = {true};
      try {
        imp.run(
            (meta, size) -> {
              if (!parent.quiet) {
                bar.finish();
                out.print(
                    blockTable(
                        List.<Object[]>of(new Object[] {meta, size}),
                        header[0],
                        parent.humanReadable));
                out.flush();
                header[0] = false;
              }
            },
            bar);
      } catch (ExpositionParseException e) {
        bar.finish();
        return fail(err, "block creation: " + input + ": " + e.getMessage());
      } catch (IOException e) {
        bar.finish();
        return fail(err, "block creation: " + e.getMessage());
      }
      bar.finish();
      return 0;
    }
  }

  /** promtool's block table; each row is {@code {BlockMeta, Long size}}. */
  static String blockTable(List<Object[]> rows, boolean header, boolean humanReadable) {
    GoFormat.TabWriter tw = new GoFormat.TabWriter(13, 2);
    if (header) {
      tw.row(
          "BLOCK ULID",
          "MIN TIME",
          "MAX TIME",
          "DURATION",
          "NUM SAMPLES",
          "NUM CHUNKS",
          "NUM SERIES",
          "SIZE");
    }
    for (Object[] r : rows) {
      BlockMeta m = (BlockMeta) r[0];
      long size = (Long) r[1];
      tw.row(
          m.ulid,
          humanReadable ? GoFormat.utcSeconds(m.minTime) : Long.toString(m.minTime),
          humanReadable ? GoFormat.utcSeconds(m.maxTime) : Long.toString(m.maxTime),
          GoFormat.duration(m.maxTime - m.minTime),
          Long.toString(m.numSamples),
          Long.toString(m.numChunks),
          Long.toString(m.numSeries),
          humanReadable ? GoFormat.base2Bytes(size) : Long.toString(size));
    }
    return tw.flush();
  }

  // ------------------------------------------------------------------ list

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List tsdb blocks.")
  public static final class ListBlocks implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = {"-r", "--human-readable"},
        description = "Print human readable values.")
    boolean humanReadable;

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "<db path>",
        defaultValue = "data/",
        description = "Database path (default is data/).")
    Path dir;

    @Override
    public Integer call() {
      try (DataDir dd = DataDir.open(dir)) {
        List<Object[]> rows = new ArrayList<>();
        for (Block b : dd.blocks()) {
          rows.add(new Object[] {b.meta(), OpenMetricsImporter.dirSize(b.dir())});
        }
        spec.commandLine().getOut().print(blockTable(rows, true, humanReadable));
        spec.commandLine().getOut().flush();
        return 0;
      } catch (IOException e) {
        return fail(spec.commandLine().getErr(), "listing blocks in " + dir + ": " + message(e));
      }
    }
  }

  static String message(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such directory: " + e.getMessage();
    }
    return e.getMessage();
  }

  // ------------------------------------------------------------------ analyze

  @Command(
      name = "analyze",
      mixinStandardHelpOptions = true,
      description =
          "Analyze churn, label pair cardinality and compaction efficiency of a block, or of a "
              + "running server's head with --url.")
  public static final class Analyze implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--limit",
        defaultValue = "20",
        description = "How many items to show in each list.")
    int limit;

    @Option(names = "--extended", description = "Run extended analysis.")
    boolean extended;

    @Option(
        names = "--url",
        description =
            "Analyze a running server (its /api/v1/status/tsdb, /metrics and "
                + "/api/v1/targets) instead of a data directory.")
    String url;

    @Option(
        names = "--churn-window",
        defaultValue = "0s",
        converter = DurationConverter.class,
        description =
            "With --url: measure series churn over this window (two readings of the server's "
                + "counters); 0 averages over the server's uptime.")
    long churnWindowMs;

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "<db path>",
        defaultValue = "data/",
        description = "Database path (default is data/).")
    Path dir;

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "<block id>",
        description = "Block to analyze (default is the last block).")
    String blockId;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (limit < 0) {
        return fail(err, "--limit must not be negative");
      }
      if (url != null) {
        return io.cardinal.capacity.LiveReport.run(url, limit, churnWindowMs, out, err);
      }
      try (DataDir dd = DataDir.open(dir)) {
        List<Block> blocks = dd.blocks();
        if (blocks.isEmpty()) {
          return fail(err, "no blocks found in " + dir);
        }
        Block block = blocks.get(blocks.size() - 1);
        if (blockId != null) {
          block = null;
          for (Block b : blocks) {
            if (b.meta().ulid.equals(blockId)) {
              block = b;
            }
          }
          if (block == null) {
            return fail(err, "block " + blockId + " not found in " + dir);
          }
        }
        out.print(BlockAnalysis.of(block, extended).render(limit));
        out.flush();
        return 0;
      } catch (IOException e) {
        return fail(err, "analyzing " + dir + ": " + message(e));
      }
    }
  }

  // ------------------------------------------------------------------ dump

  @Command(
      name = "dump",
      mixinStandardHelpOptions = true,
      description =
          "Dump samples from a TSDB: its blocks " + "and the head rebuilt read-only from its WAL.")
  public static final class Dump implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--min-time",
        defaultValue = "-9223372036854775808",
        description = "Minimum timestamp to dump.")
    long minTime;

    @Option(
        names = "--max-time",
        defaultValue = "9223372036854775807",
        description = "Maximum timestamp to dump.")
    long maxTime;

    @Option(
        names = "--match",
        defaultValue = "{__name__=~'(?s:.*)'}",
        description = "Series selector.")
    String match;

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "<db path>",
        defaultValue = "data/",
        description = "Database path (default is data/).")
    Path dir;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Matcher[] matchers;
      try {
        matchers = matchers(match);
      } catch (RuntimeException e) {
        return fail(err, "invalid --match " + match + ": " + e.getMessage());
      }
      io.cardinal.tsdb.head.Head head = null;
      try (DataDir dd = DataDir.open(dir)) {
        List<Querier> qs = new ArrayList<>();
        long blocksEnd = Long.MIN_VALUE;
        for (Block b : dd.blocks()) {
          qs.add(b.querier(minTime, maxTime));
          blocksEnd = Math.max(blocksEnd, b.meta().maxTime);
        }
        head =
            WalHead.replay(
                dir,
                blocksEnd,
                w -> {
                  err.println("dump: " + w);
                  err.flush();
                });
        if (head != null) {
          qs.add(head.querier(minTime, maxTime));
        }
        try (Querier q = new MergeQuerier(qs)) {
          SeriesSet set = q.select(true, minTime, maxTime, matchers);
          SampleIterator it = null;
          StringBuilder sb = new StringBuilder(1 << 16);
          while (set.next()) {
            String labels = GoFormat.labels(set.at().labels());
            it = set.at().iterator(it);
            while (it.next()) {
              sb.append(labels)
                  .append(' ')
                  .append(GoFormat.g(it.value()))
                  .append(' ')
                  .append(it.timestamp())
                  .append('\n');
              if (sb.length() > 60_000) {
                out.print(sb);
                sb.setLength(0);
              }
            }
            if (it.error() != null) {
              out.print(sb);
              out.flush();
              return fail(err, "dump: " + set.at().labels() + ": " + it.error());
            }
          }
          out.print(sb);
          out.flush();
        }
        return 0;
      } catch (IOException e) {
        return fail(err, "dump " + dir + ": " + message(e));
      } catch (java.io.UncheckedIOException e) {
        return fail(err, "dump " + dir + ": " + e.getCause().getMessage());
      } finally {
        if (head != null) {
          head.close();
        }
      }
    }
  }

  /** A series selector ({@code {a="b"}}, {@code up{job=~"x"}}) as matchers. */
  static Matcher[] matchers(String selector) {
    List<Matcher> ms = new ArrayList<>();
    for (LabelMatcher lm : PromQL.parseMatchers(selector)) {
      ms.add(
          Matcher.of(
              switch (lm.type()) {
                case EQ -> MatchType.EQUAL;
                case NEQ -> MatchType.NOT_EQUAL;
                case RE -> MatchType.REGEX;
                case NRE -> MatchType.NOT_REGEX;
              },
              lm.name(),
              lm.value()));
    }
    return ms.toArray(new Matcher[0]);
  }
}
