package org.prov4ml.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A headless Chromium for the tests, Debian's {@code chromium} driven through Debian's {@code chromium-driver}
 * by Selenium. The packages are installed on first use when missing (as root, with {@code apt-get}, under a
 * file lock so that concurrent test JVMs install them once), as {@link PythonEnv} builds the virtualenv. Both
 * paths are given to Selenium, so Selenium Manager never runs and nothing is downloaded; each browser has a
 * fresh profile and every background network feature off (the machine's network is closed anyway).
 */
public final class Chromium implements AutoCloseable {

  public static final Path BROWSER = Path.of("/usr/bin/chromium");
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private final ChromeDriver driver;
  private final Path profile;

  private Chromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** A new headless browser with a window of {@code width} x {@code height} CSS pixels. */
  public static Chromium start(int width, int height) throws IOException, InterruptedException {
    ensureInstalled();
    Path profile = Files.createTempDirectory("prov4ml-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars", "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort().withLogOutput(java.io.OutputStream.nullOutputStream()).build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(60));
    return new Chromium(driver, profile);
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** Opens a local file. */
  public void open(Path file) {
    driver.get(file.toUri().toString());
  }

  /** Opens a prov4ml report and waits (up to a minute) until its script has built the page. */
  public void openReport(Path file) {
    open(file);
    new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(60))
        .until(d -> Boolean.TRUE.equals(script("return !!(window.prov4ml && window.prov4ml.ready)")));
  }

  /** Runs a script in the page and returns its result, as Selenium converts it. */
  public Object script(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** The console's messages of level SEVERE (errors, failed loads) since the last call. */
  public List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
  }

  /** A PNG of the whole page (the window is resized to the page's height first), written to {@code file}. */
  public Path screenshotOfPage(Path file) throws IOException {
    Object height = script("return Math.ceil(document.documentElement.scrollHeight)");
    org.openqa.selenium.Dimension size = driver.manage().window().getSize();
    Map<String, Object> metrics = Map.of("width", size.getWidth(), "height", ((Number) height).intValue(),
        "deviceScaleFactor", 1, "mobile", false);
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", metrics);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } finally {
      driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
    return file;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      } catch (IOException | UncheckedIOException e) {
        // a profile left in the temp directory harms nothing
      }
    }
  }

  /** Installs Debian's chromium and chromium-driver if either is missing. */
  public static synchronized void ensureInstalled() throws IOException, InterruptedException {
    if (installed()) {
      return;
    }
    Path root = Path.of(System.getProperty("user.home"), ".cache", "prov4ml");
    Files.createDirectories(root);
    try (FileChannel lockFile = FileChannel.open(root.resolve("chromium.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
      if (installed()) {
        return;
      }
      if (!"root".equals(System.getProperty("user.name"))) {
        throw new IllegalStateException("the browser tests need Debian's chromium and chromium-driver; install "
            + "them (apt-get install chromium chromium-driver) or run the tests as root, which installs them");
      }
      System.err.println("[prov4ml tests] installing Debian's chromium and chromium-driver (once)");
      List<String> update = List.of("apt-get", "-q", "update");
      // With the recommended packages: their fonts are what the screenshots' text is drawn with.
      List<String> install = List.of("apt-get", "-q", "-y", "-o", "DPkg::Lock::Timeout=600", "install", "chromium",
          "chromium-driver");
      PythonEnv.run(update, 900).requireSuccess(String.join(" ", update));
      ProcessBuilder quiet = new ProcessBuilder(install);
      quiet.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Path log = Files.createTempFile("prov4ml-apt", ".log");
      Process p = quiet.redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(1800, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", install) + " failed:\n" + Files.readString(log));
      }
      Files.deleteIfExists(log);
      if (!installed()) {
        throw new IllegalStateException("apt-get installed chromium, but " + BROWSER + " or " + DRIVER + " is missing");
      }
    }
  }

  private static boolean installed() {
    return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
  }
}
