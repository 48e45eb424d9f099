package io.sluice.websocket.dashboard;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The dashboard in a headless Chromium, driven as an operator would (search box, clicks) and read
 * through the page's read-only hook {@code window.sluiceDashboard}. Reusable against any
 * websocket-sink: give it the base URL.
 *
 * <p>Uses Debian's {@code chromium} and {@code chromium-driver}, named by path, so Selenium Manager
 * never downloads a driver or a browser (nothing outside the package registries is reachable).
 */
public final class DashboardPage implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    public static final Duration WAIT = Duration.ofSeconds(20);

    /** A chart's points as the page holds them: window starts, mins, maxs, means. */
    public record Series(
            List<Long> starts, List<Double> mins, List<Double> maxs, List<Double> means) {
        public int size() {
            return starts.size();
        }
    }

    private final ChromeDriver driver;
    private final URI base;

    private DashboardPage(ChromeDriver driver, URI base) {
        this.driver = driver;
        this.base = base;
    }

    /**
     * True when the browser and its driver are installed (CI: apt-get install chromium
     * chromium-driver).
     */
    public static boolean browserInstalled() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /**
     * Starts a headless Chromium with a fresh profile under {@code workDir} and opens the page.
     *
     * @param base the service, like {@code http://127.0.0.1:6001}
     */
    public static DashboardPage open(URI base, Path workDir) throws IOException {
        Path profile =
                Files.createTempDirectory(Files.createDirectories(workDir), "chromium-profile");
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile())
                        .usingAnyFreePort()
                        .withLogFile(workDir.resolve("chromedriver.log").toFile())
                        .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile,
                "--window-size=1600,1000");
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1600, 1000));
        DashboardPage page = new DashboardPage(driver, base);
        driver.get(base.resolve("/").toString());
        return page;
    }

    public URI base() {
        return base;
    }

    // ---- reading the hook -----------------------------------------------------------------------

    /** Evaluates {@code return <expression>} in the page. */
    public Object js(String expression) {
        return ((JavascriptExecutor) driver).executeScript("return " + expression + ";");
    }

    private <T> T await(String what, Function<DashboardPage, T> condition) {
        return new WebDriverWait(driver, WAIT).withMessage(what).until(d -> condition.apply(this));
    }

    public boolean connected() {
        return Boolean.TRUE.equals(
                js("window.sluiceDashboard && window.sluiceDashboard.connected"));
    }

    public DashboardPage awaitConnected() {
        await("the page connects", p -> p.connected() ? true : null);
        return this;
    }

    /** The counters of the hook: messages, tagUpdates, msgRate, tagRate, reconnects, charts, ... */
    @SuppressWarnings("unchecked")
    public Map<String, Object> stats() {
        return (Map<String, Object>) js("window.sluiceDashboard.stats");
    }

    public long stat(String name) {
        return ((Number) stats().get(name)).longValue();
    }

    public long frames() {
        return ((Number) js("window.sluiceDashboard.frames")).longValue();
    }

    public long tagCount() {
        return ((Number) js("window.sluiceDashboard.tagCount")).longValue();
    }

    public DashboardPage awaitTagCount(long atLeast) {
        await("the page knows " + atLeast + " tags", p -> p.tagCount() >= atLeast ? true : null);
        return this;
    }

    /** A chart's points, or null when the tag has no chart. */
    @SuppressWarnings("unchecked")
    public Series chart(String tag) {
        List<List<Number>> data =
                (List<List<Number>>)
                        ((JavascriptExecutor) driver)
                                .executeScript(
                                        "return window.sluiceDashboard.chart(arguments[0]);", tag);
        if (data == null) {
            return null;
        }
        return new Series(
                data.get(0).stream().map(Number::longValue).toList(),
                data.get(1).stream().map(Number::doubleValue).toList(),
                data.get(2).stream().map(Number::doubleValue).toList(),
                data.get(3).stream().map(Number::doubleValue).toList());
    }

    public String chartPhase(String tag) {
        return (String)
                ((JavascriptExecutor) driver)
                        .executeScript(
                                "return window.sluiceDashboard.chartPhases[arguments[0]] || null;",
                                tag);
    }

    /** Waits until the tag's chart has loaded its history and holds a point. */
    public Series awaitChartLive(String tag) {
        return await(
                "the chart of " + tag + " is live",
                p -> {
                    Series s = p.chart(tag);
                    return s != null && "live".equals(p.chartPhase(tag)) && s.size() > 0 ? s : null;
                });
    }

    /**
     * Waits until the tag's chart has loaded its history and holds a point of this window start.
     */
    public Series awaitChartPoint(String tag, long windowStart) {
        return await(
                "the chart of " + tag + " reaches window " + windowStart,
                p -> {
                    Series s = p.chart(tag);
                    return s != null
                                    && "live".equals(p.chartPhase(tag))
                                    && s.starts().contains(windowStart)
                            ? s
                            : null;
                });
    }

    /** Waits until the tag's chart is live with fewer points than {@code fewerThan}. */
    public Series awaitChartLiveWithFewer(String tag, int fewerThan) {
        return await(
                "the chart of " + tag + " is live with fewer than " + fewerThan + " points",
                p -> {
                    Series s = p.chart(tag);
                    return s != null
                                    && "live".equals(p.chartPhase(tag))
                                    && s.size() > 0
                                    && s.size() < fewerThan
                            ? s
                            : null;
                });
    }

    // ---- driving the page -----------------------------------------------------------------------

    /** Picks a range in the range picker (5m, 1h, 1d, 7d), as a user does. */
    public DashboardPage pickRange(String range) {
        new Select(driver.findElement(By.id("range"))).selectByValue(range);
        return this;
    }

    /** Types into the tag browser's search box (replacing what was there). */
    public DashboardPage search(String text) {
        WebElement box = driver.findElement(By.id("search"));
        box.clear();
        box.sendKeys(text);
        return this;
    }

    /** The tags the tree shows as leaves now. */
    @SuppressWarnings("unchecked")
    public List<String> treeTags() {
        // one script, so a redraw of the tree between two reads cannot leave a stale element
        return new ArrayList<>(
                (List<String>)
                        js(
                                "Array.from(document.querySelectorAll('#tree .leaf')).map(e => e.dataset.tag)"));
    }

    /** Searches and waits until the tree shows exactly these leaves (in any order). */
    public List<String> awaitTreeTags(String search, int count) {
        search(search);
        return await(
                "the tree lists " + count + " tags for '" + search + "'",
                p -> {
                    List<String> tags = p.treeTags();
                    return tags.size() == count ? tags : null;
                });
    }

    /** Clicks a tag in the tree (it must be shown: search for it first), toggling its chart. */
    public DashboardPage clickTag(String tag) {
        // the tree is redrawn (at most once a second) while new tags appear: find the leaf again
        // then
        await(
                "a click on " + tag,
                p -> {
                    try {
                        driver.findElement(By.cssSelector("#tree .leaf[data-tag='" + tag + "']"))
                                .click();
                        return true;
                    } catch (StaleElementReferenceException e) {
                        return null;
                    }
                });
        return this;
    }

    /** Counts the main thread's long tasks from now on: see {@link #longTasks()}. */
    public void observeLongTasks() {
        ((JavascriptExecutor) driver)
                .executeScript(
                        "window.__longTasks = {count: 0, totalMs: 0, maxMs: 0};"
                                + "new PerformanceObserver(list => { for (const e of list.getEntries()) {"
                                + "  window.__longTasks.count++; window.__longTasks.totalMs += e.duration;"
                                + "  window.__longTasks.maxMs = Math.max(window.__longTasks.maxMs, e.duration); } })"
                                + ".observe({type: 'longtask'});");
    }

    /** count, totalMs, maxMs of the long tasks (over 50 ms) since {@link #observeLongTasks()}. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> longTasks() {
        return (Map<String, Object>) js("window.__longTasks");
    }

    /** Saves a PNG of the page. */
    public Path screenshot(Path file) throws IOException {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
