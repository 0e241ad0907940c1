package org.prov4ml.internal.inputs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real repository made with the git command line, read as the run reads it. */
class GitSourceTest {

  @TempDir Path repo;
  @TempDir Path elsewhere;

  @Test
  void remoteWithoutCredentialsAndHeadCommitCleanThenDirty() throws Exception {
    git(repo, "init", "-q", "-b", "main");
    git(repo, "remote", "add", "origin", "https://alice:ghp_secret@example.com/team/model.git");
    Files.writeString(repo.resolve("Train.java"), "class Train {}");
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "first");
    String head = git(repo, "rev-parse", "HEAD").trim();
    Path sub = Files.createDirectories(repo.resolve("src/main"));

    GitSource clean = GitSource.of(sub).orElseThrow();
    assertEquals("https://example.com/team/model.git/" + head, clean.sourceCode());
    assertEquals("false", clean.dirty());

    Files.writeString(repo.resolve("Train.java"), "class Train { int epochs; }");
    assertEquals("true", GitSource.of(repo).orElseThrow().dirty());
    assertTrue(GitSource.of(elsewhere).isEmpty(), "outside a repository");
  }

  @Test
  void packedRefsLinkedWorktreesAndNoRemote() throws Exception {
    git(repo, "init", "-q", "-b", "main");
    Files.writeString(repo.resolve("a.txt"), "a");
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "a");
    git(repo, "pack-refs", "--all");
    String head = git(repo, "rev-parse", "HEAD").trim();
    assertEquals(repo.toRealPath() + "/" + head, GitSource.of(repo.toRealPath()).orElseThrow().sourceCode());

    Path linked = elsewhere.resolve("wt");
    git(repo, "worktree", "add", "-q", "-b", "side", linked.toString());
    Files.writeString(linked.resolve("b.txt"), "b");
    git(linked, "add", ".");
    git(linked, "commit", "-q", "-m", "b");
    String side = git(linked, "rev-parse", "HEAD").trim();
    GitSource worktree = GitSource.of(linked).orElseThrow();
    assertEquals(side, worktree.commit());
    assertEquals("false", worktree.dirty());
  }

  static String git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com",
        "-c", "commit.gpgsign=false"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("git", ".out");
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "git " + String.join(" ", args));
    String text = Files.readString(out);
    Files.delete(out);
    assertEquals(0, p.exitValue(), "git " + String.join(" ", args) + ": " + text);
    return text;
  }
}
