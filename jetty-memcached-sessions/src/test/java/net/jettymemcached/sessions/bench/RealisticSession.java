package net.jettymemcached.sessions.bench;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.jetty.session.SessionData;

/**
 * A web shop's session: a signed-in user (roles, preferences, addresses), a small cart (at most 12 items with names,
 * prices, dates and options), the products viewed recently and the user's recent orders (ids, dates, amounts,
 * statuses), flash messages and a CSRF token. {@link #of(int)} grows the viewed products and orders (and, up to its
 * limit, the cart), so the session can be sized.
 */
public final class RealisticSession
{
    private RealisticSession()
    {
    }

    public static final class Address implements Serializable
    {
        String street;
        String city;
        String zip;
        String country;
        boolean billing;
    }

    public static final class User implements Serializable
    {
        long id;
        String login;
        String email;
        String displayName;
        Set<String> roles = new HashSet<>();
        Map<String, String> preferences = new HashMap<>();
        List<Address> addresses = new ArrayList<>();
        Date registered;
        Instant lastLogin;
    }

    public static final class CartItem implements Serializable
    {
        String sku;
        String name;
        int quantity;
        BigDecimal unitPrice;
        Date added;
        Map<String, String> options = new HashMap<>();
    }

    public enum OrderStatus
    {
        PLACED, PAID, SHIPPED, DELIVERED, RETURNED
    }

    public static final class ViewedProduct implements Serializable
    {
        long productId;
        String category;
        Date viewedAt;
        BigDecimal price;
    }

    public static final class OrderSummary implements Serializable
    {
        long orderId;
        Date placed;
        BigDecimal total;
        String currency;
        OrderStatus status;
        int itemCount;
        String shippingCity;
    }

    private static final String[] CATEGORIES = {"kitchen", "garden", "books", "toys", "electronics", "clothing"};
    private static final String[] CITIES = {"Zurich", "Geneva", "Basel", "Bern"};

    public static final class Cart implements Serializable
    {
        List<CartItem> items = new ArrayList<>();
        String currency = "EUR";
        String coupon;
        BigDecimal total = BigDecimal.ZERO;
        Date updated;
    }

    /** @param scale how many items, addresses, viewed products and preferences (grows the session roughly linearly) */
    public static SessionData of(int scale)
    {
        SessionData data = new SessionData("node0b1x9rq2l0n4z7kjv1k5y3v4t6e8-n1", "_shop", "shop.example.com", 1_700_000_000_000L,
            1_700_000_100_000L, 1_700_000_050_000L, 1_800_000L);
        data.setLastNode("worker1");
        data.setAttribute("user", user(scale));
        data.setAttribute("cart", cart(scale));
        List<ViewedProduct> viewed = new ArrayList<>();
        for (int i = 0; i < scale * 2; i++)
        {
            ViewedProduct product = new ViewedProduct();
            product.productId = 100_000 + i * 7L;
            product.category = CATEGORIES[i % CATEGORIES.length];
            product.viewedAt = new Date(1_700_000_000_000L - i * 90_000L);
            product.price = new BigDecimal("4.95").add(BigDecimal.valueOf(i % 50, 1));
            viewed.add(product);
        }
        data.setAttribute("recentlyViewed", viewed);
        List<OrderSummary> orders = new ArrayList<>();
        for (int i = 0; i < scale; i++)
        {
            OrderSummary order = new OrderSummary();
            order.orderId = 9_000_000L + i;
            order.placed = new Date(1_690_000_000_000L + i * 86_400_000L);
            order.total = new BigDecimal("59.80").add(BigDecimal.valueOf(i, 2));
            order.currency = "EUR";
            order.status = OrderStatus.values()[i % OrderStatus.values().length];
            order.itemCount = 1 + i % 6;
            order.shippingCity = CITIES[i % CITIES.length];
            orders.add(order);
        }
        data.setAttribute("recentOrders", orders);
        Map<String, Object> flash = new LinkedHashMap<>();
        flash.put("info", "Your cart was updated.");
        flash.put("count", scale);
        data.setAttribute("flash", flash);
        data.setAttribute("csrfToken", "f3a9c2e1-7b44-4d0a-9c6e-2b1d8e5f0a37");
        data.setAttribute("locale", "de-CH");
        return data;
    }

    private static User user(int scale)
    {
        User user = new User();
        user.id = 4_711L;
        user.login = "alice.example";
        user.email = "alice@example.com";
        user.displayName = "Alice Example";
        user.roles.addAll(List.of("customer", "newsletter", "beta"));
        for (int i = 0; i < Math.min(20, Math.max(2, scale / 2)); i++)
            user.preferences.put("pref." + i, i % 2 == 0 ? "on" : "compact");
        for (int i = 0; i < Math.min(3, Math.max(1, scale / 8)); i++)
        {
            Address address = new Address();
            address.street = (i + 1) + " Example Street";
            address.city = "Zurich";
            address.zip = "80" + (10 + i);
            address.country = "CH";
            address.billing = i == 0;
            user.addresses.add(address);
        }
        user.registered = new Date(1_600_000_000_000L);
        user.lastLogin = Instant.ofEpochSecond(1_700_000_000L);
        return user;
    }

    private static Cart cart(int scale)
    {
        Cart cart = new Cart();
        for (int i = 0; i < Math.min(scale, 12); i++)
        {
            CartItem item = new CartItem();
            item.sku = "SKU-" + (10_000 + i);
            item.name = "Product number " + i + ", colour " + (i % 3 == 0 ? "red" : "blue");
            item.quantity = 1 + i % 4;
            item.unitPrice = new BigDecimal("19.90").add(BigDecimal.valueOf(i, 2));
            item.added = new Date(1_700_000_000_000L + i * 60_000L);
            if (i % 2 == 0)
                item.options.put("size", i % 4 == 0 ? "M" : "L");
            cart.items.add(item);
            cart.total = cart.total.add(item.unitPrice.multiply(BigDecimal.valueOf(item.quantity)));
        }
        cart.coupon = scale > 3 ? "SPRING24" : null;
        cart.updated = new Date(1_700_000_100_000L);
        return cart;
    }
}
