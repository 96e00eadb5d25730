package io.understudy.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** Draws lag over time, one line per scenario, as a PNG with plain Java2D. Stateless. */
final class LagChart {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 500;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)};

    private LagChart() {
    }

    static void write(Map<String, List<Heartbeat.Sample>> series, String title, Path file) throws IOException {
        double maxT = 1;
        double maxLag = 1;
        for (List<Heartbeat.Sample> s : series.values()) {
            for (Heartbeat.Sample p : s) {
                maxT = Math.max(maxT, p.atSeconds());
                maxLag = Math.max(maxLag, p.lagMs());
            }
        }
        maxLag = niceCeiling(maxLag);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        axes(g, title, maxT, maxLag);
        int i = 0;
        for (Map.Entry<String, List<Heartbeat.Sample>> e : series.entrySet()) {
            g.setColor(COLORS[i % COLORS.length]);
            g.setStroke(new BasicStroke(1.5f));
            int px = -1;
            int py = -1;
            for (Heartbeat.Sample p : e.getValue()) {
                int x = LEFT + (int) (p.atSeconds() / maxT * (WIDTH - LEFT - RIGHT));
                int y = HEIGHT - BOTTOM - (int) (p.lagMs() / maxLag * (HEIGHT - TOP - BOTTOM));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.fillRect(WIDTH - RIGHT - 260, TOP + 8 + i * 18, 14, 10);
            g.setColor(Color.BLACK);
            g.drawString(e.getKey(), WIDTH - RIGHT - 240, TOP + 18 + i * 18);
            i++;
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static void axes(Graphics2D g, String title, double maxT, double maxLag) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, LEFT, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawLine(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM);
        g.drawLine(LEFT, TOP, LEFT, HEIGHT - BOTTOM);
        for (int k = 0; k <= 5; k++) {
            int y = HEIGHT - BOTTOM - k * (HEIGHT - TOP - BOTTOM) / 5;
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT + 1, y, WIDTH - RIGHT, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.0f", maxLag * k / 5), 8, y + 4);
            int x = LEFT + k * (WIDTH - LEFT - RIGHT) / 5;
            g.drawString(String.format(Locale.ROOT, "%.0f", maxT * k / 5), x - 6, HEIGHT - BOTTOM + 16);
        }
        g.drawString("seconds since the run started", WIDTH / 2 - 80, HEIGHT - 12);
        g.drawString("lag ms", 8, TOP - 8);
    }

    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
