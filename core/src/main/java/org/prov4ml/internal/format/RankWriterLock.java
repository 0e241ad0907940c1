package org.prov4ml.internal.format;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Says that a live process is writing one rank of a run directory: an OS file lock ({@code fcntl} on Linux, also
 * over NFS with a lock manager) on {@link RunLayout#writerLockFile()}, held from the rank's claim to its end. A
 * launch that would continue the directory ({@code prov4ml.run.resume}) takes it first, so it never continues a
 * rank a concurrent launch is still writing, on this host or another; a pid in a file could not say that across
 * hosts, nor after the pid was reused. The OS releases the lock when the process dies, {@code kill -9} too, so a
 * killed attempt never keeps its successor out.
 */
public final class RankWriterLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private RankWriterLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the rank's lock if no live process holds it.
   *
   * @return the lock, or null when another process (or another run of this JVM) holds it
   * @throws IOException when the lock file cannot be opened or locked for another reason
   */
  public static RankWriterLock tryAcquire(RunLayout layout) throws IOException {
    FileChannel channel = FileChannel.open(layout.writerLockFile(), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    try {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        return null;
      }
      return new RankWriterLock(channel, lock);
    } catch (OverlappingFileLockException heldInThisJvm) {
      channel.close();
      return null;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Releases the lock: the rank is no longer written, and a later launch may continue it. */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel below releases it as well
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing was written through it
    }
  }
}
