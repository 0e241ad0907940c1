package org.prov4ml.internal.inputs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The git commit a program runs from, as yProv4ML's {@code log_source_code(use_git=True)} records
 * it: {@code source_code} = {@code <remote URL>/<commit>}, plus whether the working tree differs
 * from that commit. The commit and the remote are read from the repository's files, as yProv4ML
 * does, so they need no git installed; whether the tree is dirty needs {@code git status}, run with
 * {@code --no-optional-locks} so that it never takes the index lock from the user's own git.
 *
 * @param worktree the working tree's top folder
 * @param remote the {@code origin} remote's URL (else the first remote's) without credentials, or
 *     null when the repository has no remote
 * @param commit the full hash of {@code HEAD}, or null in a repository without commits
 * @param dirty {@code true}, {@code false}, or why it is not known
 */
public record GitSource(Path worktree, String remote, String commit, String dirty) {

  private static final Pattern REMOTE_SECTION = Pattern.compile("\\s*\\[remote\\s+\"([^\"]+)\"\\]\\s*");
  private static final Pattern URL_LINE = Pattern.compile("\\s*url\\s*=\\s*(.+?)\\s*");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");

  /** yProv4ML's {@code source_code}: the remote (else the working tree's folder) and the commit. */
  public String sourceCode() {
    return (remote != null ? remote : worktree.toString()) + "/" + (commit != null ? commit : "no-commit");
  }

  /** The repository that holds {@code directory}, if any. */
  public static Optional<GitSource> of(Path directory) throws IOException, InterruptedException {
    for (Path dir = directory.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      Path dotGit = dir.resolve(".git");
      if (Files.isDirectory(dotGit)) {
        return Optional.of(read(dir, dotGit));
      }
      if (Files.isRegularFile(dotGit)) { // a linked worktree or a submodule: "gitdir: <path>"
        String line = Files.readString(dotGit, StandardCharsets.UTF_8).trim();
        if (line.startsWith("gitdir:")) {
          return Optional.of(read(dir, dir.resolve(line.substring("gitdir:".length()).trim()).normalize()));
        }
      }
    }
    return Optional.empty();
  }

  private static GitSource read(Path worktree, Path gitDir) throws IOException, InterruptedException {
    // A linked worktree keeps HEAD itself and refs and config in the common folder.
    Path commonFile = gitDir.resolve("commondir");
    Path common = Files.isRegularFile(commonFile)
        ? gitDir.resolve(Files.readString(commonFile, StandardCharsets.UTF_8).trim()).normalize() : gitDir;
    String commit = head(gitDir, common);
    String remote = remote(common.resolve("config"));
    return new GitSource(worktree, remote == null ? null : SecretMasking.withoutCredentials(remote), commit,
        dirty(worktree));
  }

  private static String head(Path gitDir, Path common) throws IOException {
    Path headFile = gitDir.resolve("HEAD");
    if (!Files.isRegularFile(headFile)) {
      return null;
    }
    String head = Files.readString(headFile, StandardCharsets.UTF_8).trim();
    if (!head.startsWith("ref:")) {
      return COMMIT.matcher(head).matches() ? head : null;
    }
    String ref = head.substring("ref:".length()).trim();
    for (Path dir : List.of(gitDir, common)) {
      Path loose = dir.resolve(ref);
      if (Files.isRegularFile(loose)) {
        String value = Files.readString(loose, StandardCharsets.UTF_8).trim();
        return COMMIT.matcher(value).matches() ? value : null;
      }
    }
    Path packed = common.resolve("packed-refs");
    if (Files.isRegularFile(packed)) {
      for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
        String[] parts = line.split(" ", 2);
        if (parts.length == 2 && parts[1].equals(ref) && COMMIT.matcher(parts[0]).matches()) {
          return parts[0];
        }
      }
    }
    return null; // a branch without commits yet
  }

  /** The URL of remote {@code origin}, else of the first remote in the config, else null. */
  static String remote(Path config) throws IOException {
    if (!Files.isRegularFile(config)) {
      return null;
    }
    String section = null;
    String first = null;
    for (String line : Files.readAllLines(config, StandardCharsets.UTF_8)) {
      if (line.trim().startsWith("[")) {
        Matcher m = REMOTE_SECTION.matcher(line);
        section = m.matches() ? m.group(1) : null;
        continue;
      }
      Matcher url = URL_LINE.matcher(line);
      if (section != null && url.matches()) {
        if (section.equals("origin")) {
          return url.group(1);
        }
        if (first == null) {
          first = url.group(1);
        }
      }
    }
    return first;
  }

  /** {@code git status}: "true" when it lists anything (changes, untracked files), else "false". */
  private static String dirty(Path worktree) throws InterruptedException {
    Path output = null;
    try {
      output = Files.createTempFile("prov4ml-git-status", ".txt");
      Process git = new ProcessBuilder("git", "--no-optional-locks", "-C", worktree.toString(), "status",
          "--porcelain").redirectErrorStream(true).redirectOutput(output.toFile()).start();
      git.getOutputStream().close();
      if (!git.waitFor(30, TimeUnit.SECONDS)) {
        git.destroyForcibly();
        return "unknown: git status did not answer within 30 s";
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      if (git.exitValue() != 0) {
        return "unknown: git status exited with " + git.exitValue() + ": " + firstLine(text);
      }
      return Boolean.toString(!text.isBlank());
    } catch (IOException e) {
      return "unknown: cannot run git (" + e.getMessage() + ")";
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException ignored) {
          // a temporary file left behind is harmless
        }
      }
    }
  }

  private static String firstLine(String text) {
    String line = text.strip().lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
