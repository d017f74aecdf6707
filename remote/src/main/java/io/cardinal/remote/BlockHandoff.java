package io.cardinal.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cardinal.storage.block.BlockFiles;
import io.cardinal.storage.block.BlockMeta;
import io.cardinal.storage.block.Ulid;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Hands completed blocks to a Thanos-style uploader, the way Thanos's sidecar shipper does it for
 * Prometheus: every block of the data directory that is complete (a ULID directory with its {@code
 * meta.json}; blocks being written are named {@code <ULID>.tmp-for-creation} and are never picked
 * up) and not handed off before is hard-linked into {@code <staging>/<ULID>/}, and the staged
 * copy's {@code meta.json} gets a {@code thanos} section with the external labels. The database's
 * own block is never modified.
 *
 * <p>Hard links make the staged copy a consistent, immutable snapshot: blocks are immutable once
 * written, and the two ways Cardinal changes one afterwards both replace files rather than write
 * into them (a deletion renames a new {@code tombstones} file into place; compaction and retention
 * delete whole directories), which leaves the staged links untouched. The staging directory must be
 * on the same filesystem as the data directory.
 *
 * <p>By default only level-1 blocks (cut from the head) are handed off, as the sidecar does: blocks
 * merged by compaction hold the same samples again. Handed-off ULIDs are listed in {@code
 * <staging>/handoff.json}; the uploader deletes a staged directory when it has uploaded it.
 */
final class BlockHandoff {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The file listing the ULIDs already handed off. */
  public static final String STATE_FILE = "handoff.json";

  private final Path dataDir;
  private final Path stagingDir;
  private final Labels externalLabels;
  private final boolean includeCompacted;

  public BlockHandoff(
      Path dataDir, Path stagingDir, Labels externalLabels, boolean includeCompacted) {
    this.dataDir = dataDir;
    this.stagingDir = stagingDir;
    this.externalLabels = externalLabels;
    this.includeCompacted = includeCompacted;
  }

  /**
   * Stages every complete block not handed off yet; returns the staged block directories, oldest
   * first.
   */
  public synchronized List<Path> stage() throws IOException {
    Files.createDirectories(stagingDir);
    Set<String> done = readState();
    List<Path> staged = new ArrayList<>();
    TreeSet<String> candidates = new TreeSet<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dataDir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (Ulid.isValid(name)
            && Files.isDirectory(p)
            && Files.isRegularFile(p.resolve("meta.json"))
            && !done.contains(name)) {
          candidates.add(name);
        }
      }
    }
    for (String ulid : candidates) {
      Path src = dataDir.resolve(ulid);
      BlockMeta meta;
      try {
        meta = BlockMeta.read(src);
      } catch (IOException e) {
        continue; // deleted (retention, compaction) or unreadable: not ours to ship
      }
      if (meta.level > 1 && !includeCompacted) {
        done.add(ulid);
        continue;
      }
      Path tmp = stagingDir.resolve(ulid + ".tmp");
      BlockFiles.delete(tmp);
      try {
        // meta.json is copied, not linked: the staged one is rewritten below.
        BlockFiles.hardLink(src, tmp, Set.of("meta.json"));
      } catch (java.nio.file.NoSuchFileException e) {
        BlockFiles.delete(tmp); // the block went away while we linked it
        continue;
      }
      Files.writeString(
          tmp.resolve("meta.json"),
          withThanos(Files.readString(tmp.resolve("meta.json")), meta, tmp),
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
      Path dst = stagingDir.resolve(ulid);
      BlockFiles.delete(dst);
      Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE);
      done.add(ulid);
      staged.add(dst);
    }
    writeState(done);
    return staged;
  }

  /**
   * The block's meta.json with a {@code thanos} section appended (unless it has one): external
   * labels, resolution 0 (raw data), source "sidecar", the chunk segment files and every file with
   * its size.
   */
  String withThanos(String metaJson, BlockMeta meta, Path staged) throws IOException {
    if (meta.extra("thanos") != null) {
      return metaJson;
    }
    ObjectNode j = JSON.createObjectNode();
    ObjectNode labels = j.putObject("labels");
    for (int i = 0; i < externalLabels.size(); i++) {
      labels.put(externalLabels.name(i), externalLabels.value(i));
    }
    j.putObject("downsample").put("resolution", 0);
    j.put("source", "sidecar");
    List<Path> files;
    try (Stream<Path> s = Files.walk(staged)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    ArrayNode segments = j.putArray("segment_files");
    for (Path f : files) {
      if (staged.relativize(f).toString().startsWith("chunks/")) {
        segments.add(f.getFileName().toString());
      }
    }
    ArrayNode all = j.putArray("files");
    for (Path f : files) {
      String rel = staged.relativize(f).toString().replace('\\', '/');
      ObjectNode o = all.addObject().put("rel_path", rel);
      if (!rel.equals("meta.json")) {
        o.put("size_bytes", Files.size(f));
      }
    }
    String trimmed = metaJson.stripTrailing();
    if (!trimmed.endsWith("}")) {
      throw new IOException("unexpected meta.json in " + staged);
    }
    return trimmed.substring(0, trimmed.length() - 1).stripTrailing()
        + ",\n\t\"thanos\": "
        + j
        + "\n}\n";
  }

  private Set<String> readState() throws IOException {
    Set<String> out = new TreeSet<>();
    Path f = stagingDir.resolve(STATE_FILE);
    if (Files.exists(f)) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\"([0-9A-Z]{26})\"").matcher(Files.readString(f));
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  private void writeState(Set<String> done) throws IOException {
    ObjectNode j = JSON.createObjectNode().put("version", 1);
    ArrayNode list = j.putArray("handed_off");
    done.forEach(list::add);
    Path tmp = stagingDir.resolve(STATE_FILE + ".tmp");
    Files.writeString(tmp, JSON.writeValueAsString(j) + "\n");
    Files.move(
        tmp,
        stagingDir.resolve(STATE_FILE),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }
}
