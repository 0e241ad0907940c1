package org.prov4ml.internal.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.prov4ml.internal.format.RunLayout;

/**
 * Disk space held back for the run's last PROV document. When the disk fills during a run, the
 * document that says the run ended INCOMPLETE, and why, still needs room for its atomic rewrite
 * (a whole new copy beside the old one); releasing this file gives it that room. The file is
 * written with real bytes, not sized sparsely, since a sparse file holds no space. It is deleted
 * when the run ends; only a killed process leaves it behind.
 */
final class DiskReserve {

  /** One per rank: the ranks of a job share the run directory. */
  static final String FILE_PREFIX = ".prov4ml-reserve-GR";
  /** Room for a document of a few hundred records before the first rewrite says how big it is. */
  static final long INITIAL_BYTES = 64 * 1024;
  /** Headroom above the last document's size: the final one grows by its end time, status and detail. */
  static final long HEADROOM_BYTES = 16 * 1024;

  private final Path file;
  private long bytes;

  private DiskReserve(Path file) {
    this.file = file;
  }

  /** Holds {@link #INITIAL_BYTES} for {@code layout}'s rank; holds what it can if the disk is already short. */
  static DiskReserve of(RunLayout layout) {
    DiskReserve reserve = new DiskReserve(layout.runDir().resolve(FILE_PREFIX + layout.rank()));
    reserve.ensure(INITIAL_BYTES);
    return reserve;
  }

  /** Grows the reserve to room for a document of {@code documentBytes}; never shrinks it. */
  void ensureRoomFor(long documentBytes) {
    ensure(documentBytes + HEADROOM_BYTES);
  }

  private void ensure(long wanted) {
    if (bytes >= wanted) {
      return;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ByteBuffer zeros = ByteBuffer.allocate(8192);
      channel.position(bytes);
      while (bytes < wanted) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), wanted - bytes));
        bytes += channel.write(zeros);
      }
    } catch (IOException full) {
      // Whatever was held stays held; less room than wanted is still room.
    }
  }

  /** Gives the space back; true if there was any to give. */
  boolean release() {
    try {
      bytes = 0;
      return Files.deleteIfExists(file);
    } catch (IOException e) {
      return false;
    }
  }
}
