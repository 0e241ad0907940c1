package org.prov4ml.internal.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RunProvenanceTest {

  @Test
  void timesAreWrittenExactlyAsTheIsoFormatterWritesThem() {
    List<ZoneId> zones = List.of(ZoneId.of("UTC"), ZoneId.of("Europe/Rome"), ZoneId.of("America/St_Johns"),
        ZoneId.of("Asia/Kathmandu"), ZoneId.of("Pacific/Chatham"));
    SplittableRandom random = new SplittableRandom(7);
    long start = Instant.parse("2026-03-29T00:59:58Z").toEpochMilli(); // across Rome's change to summer time
    for (int i = 0; i < 20_000; i++) {
      // runs of close times (the cache's case) and jumps, every fraction shape: .1, .12, .123, .005, none
      long millis = i % 100 == 0 ? random.nextLong(0, 4_102_444_800_000L) : start + random.nextLong(0, 4_000);
      if (i % 7 == 0) {
        millis -= Math.floorMod(millis, 1000); // a whole second
      } else if (i % 5 == 0) {
        millis -= Math.floorMod(millis, 100);
      }
      ZonedDateTime t = Instant.ofEpochMilli(millis).atZone(zones.get(i % zones.size()));
      assertEquals(t.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), RunProvenance.time(t), t.toString());
    }
  }

  @Test
  void timesFinerThanAMillisecondOrOutsideFourDigitYearsGoToTheFormatter() {
    for (ZonedDateTime t : List.of(ZonedDateTime.parse("2026-12-01T13:06:13.123456789Z"),
        ZonedDateTime.parse("2026-12-01T13:06:13.000001+01:00"), ZonedDateTime.parse("+12026-12-01T13:06:13.5Z"))) {
      assertEquals(t.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), RunProvenance.time(t), t.toString());
    }
  }
}
