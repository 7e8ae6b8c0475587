"""Phrase tables for the scenario generator: names, products, reasons and buyer messages per locale.

These are the generator's own words. The agent's classifier is tested against texts written for its
tests, and the sandbox renders its pages from `automation/sandbox/i18n/`; keeping the three apart means
a wrong phrase cannot agree with itself. Templates use `{order}`, `{other_order}`, `{title}` and
`{name}` placeholders; `\n` makes a body multi-line.
"""

from __future__ import annotations

from dataclasses import dataclass

# The order matters: weights in generator.py follow it (most buyers ordered by mistake).
REASON_KEYS = ("mistake", "late", "shipping_cost", "cheaper", "address", "payment", "other")

# Categories of ordinary (non-cancellation) buyer messages; decoys mention cancelling without asking.
ORDINARY_KINDS = (
    "delivery",
    "product",
    "address",
    "return",
    "do_not_cancel",
    "cancelled_item",
    "other_order",
    "thanks",
)

# Which subject style each category is sent with (Amazon picks it from the buyer's chosen topic).
SUBJECT_OF_KIND = {
    "delivery": "delivery",
    "product": "product",
    "address": "inquiry",
    "return": "return",
    "do_not_cancel": "inquiry",
    "cancelled_item": "inquiry",
    "other_order": "inquiry",
    "thanks": "inquiry",
}


def _words(text: str) -> tuple[str, ...]:
    """A compact way to write long lists of names: "James, Mary, Robert"."""
    return tuple(text.split(", "))


@dataclass(frozen=True)
class Product:
    """A catalogue entry: several SKUs (variants) share one title in each language."""

    skus: tuple[str, ...]
    usd_low: float
    usd_high: float
    weight: int
    titles: dict[str, str]


@dataclass(frozen=True)
class LocalePhrases:
    language: str
    currency_per_usd: float
    whole_prices: bool
    order_prefixes: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    family_name_first: bool
    reasons: tuple[str, ...]
    subjects: dict[str, str]
    greetings: tuple[str, ...]
    asks: tuple[str, ...]
    buyer_reasons: tuple[str, ...]
    closings: tuple[str, ...]
    ordinary: dict[str, tuple[str, ...]]
    word_separator: str = " "


PRODUCTS: tuple[Product, ...] = (
    Product(
        ("MUG-RED-01", "MUG-BLU-02", "MUG-WHT-11", "MUG-BLK-15"),
        8,
        18,
        5,
        {
            "en": "Ceramic coffee mug, 11 oz",
            "de": "Keramik-Kaffeetasse, 325 ml",
            "fr": "Mug en céramique, 325 ml",
            "es": "Taza de cerámica para café, 325 ml",
            "it": "Tazza in ceramica da caffè, 325 ml",
            "ja": "陶器製マグカップ 325ml",
        },
    ),
    Product(
        ("MUG-TRV-20", "MUG-TRV-21"),
        18,
        32,
        3,
        {
            "en": "Insulated travel mug, 16 oz, stainless steel",
            "de": "Isolierter Thermobecher, 470 ml, Edelstahl",
            "fr": "Mug de voyage isotherme, 470 ml, inox",
            "es": "Taza de viaje térmica, 470 ml, acero inoxidable",
            "it": "Tazza da viaggio termica, 470 ml, acciaio inox",
            "ja": "ステンレス製 保温タンブラー 470ml",
        },
    ),
    Product(
        ("TSH-BLK-M", "TSH-WHT-L", "TSH-NVY-S", "TSH-GRY-XL"),
        12,
        26,
        3,
        {
            "en": "Organic cotton T-shirt, crew neck",
            "de": "T-Shirt aus Bio-Baumwolle, Rundhals",
            "fr": "T-shirt en coton bio, col rond",
            "es": "Camiseta de algodón orgánico, cuello redondo",
            "it": "T-shirt in cotone biologico, girocollo",
            "ja": "オーガニックコットン Tシャツ クルーネック",
        },
    ),
    Product(
        ("CASE-IP15-CLR", "CASE-IP15-BLK", "CASE-GS24-BLU"),
        9,
        22,
        3,
        {
            "en": "Shockproof phone case, clear",
            "de": "Stoßfeste Handyhülle, transparent",
            "fr": "Coque de téléphone antichoc, transparente",
            "es": "Funda de móvil antigolpes, transparente",
            "it": "Custodia antiurto per smartphone, trasparente",
            "ja": "耐衝撃スマホケース クリア",
        },
    ),
    Product(
        ("CBL-USBC-1M", "CBL-USBC-2M"),
        7,
        15,
        2,
        {
            "en": "USB-C charging cable, braided, 2-pack",
            "de": "USB-C-Ladekabel, geflochten, 2er-Pack",
            "fr": "Câble de charge USB-C tressé, lot de 2",
            "es": "Cable de carga USB-C trenzado, pack de 2",
            "it": "Cavo di ricarica USB-C intrecciato, confezione da 2",
            "ja": "USB-C 充電ケーブル 編み込み 2本セット",
        },
    ),
    # "cancelling" in a product title: a decoy for anyone matching the bare word.
    Product(
        ("AUD-HP-300", "AUD-HP-500"),
        59,
        249,
        2,
        {
            "en": "Wireless noise-cancelling headphones",
            "de": "Kabellose Kopfhörer mit Geräuschunterdrückung",
            "fr": "Casque sans fil à réduction de bruit",
            "es": "Auriculares inalámbricos con cancelación de ruido",
            "it": "Cuffie wireless con cancellazione del rumore",
            "ja": "ワイヤレス ノイズキャンセリング ヘッドホン",
        },
    ),
    Product(
        ("BAG-BP-25L", "BAG-BP-30L"),
        35,
        90,
        2,
        {
            "en": "Water-resistant laptop backpack",
            "de": "Wasserabweisender Laptop-Rucksack",
            "fr": "Sac à dos déperlant pour ordinateur portable",
            "es": "Mochila para portátil resistente al agua",
            "it": "Zaino porta PC idrorepellente",
            "ja": "撥水 PCリュック",
        },
    ),
    Product(
        ("LMP-LED-DESK", "LMP-LED-CLIP"),
        24,
        60,
        2,
        {
            "en": "LED desk lamp, dimmable",
            "de": "LED-Schreibtischlampe, dimmbar",
            "fr": "Lampe de bureau LED à intensité variable",
            "es": "Lámpara de escritorio LED regulable",
            "it": "Lampada da scrivania LED dimmerabile",
            "ja": "調光式 LEDデスクライト",
        },
    ),
    Product(
        ("KIT-KNF-20", "KIT-KNF-24"),
        39,
        180,
        1,
        {
            "en": "Chef's knife, German steel",
            "de": "Kochmesser, deutscher Stahl",
            "fr": "Couteau de chef, acier allemand",
            "es": "Cuchillo de chef, acero alemán",
            "it": "Coltello da chef, acciaio tedesco",
            "ja": "牛刀 ドイツ鋼",
        },
    ),
    Product(
        ("FIT-MAT-6MM", "FIT-MAT-8MM"),
        19,
        45,
        2,
        {
            "en": "Non-slip yoga mat",
            "de": "Rutschfeste Yogamatte",
            "fr": "Tapis de yoga antidérapant",
            "es": "Esterilla de yoga antideslizante",
            "it": "Tappetino yoga antiscivolo",
            "ja": "滑り止めヨガマット",
        },
    ),
    Product(
        ("KIT-ESP-900",),
        189,
        449,
        1,
        {
            "en": "Espresso machine with milk frother, 15 bar",
            "de": "Siebträger-Espressomaschine mit Milchaufschäumer, 15 bar",
            "fr": "Machine à expresso avec mousseur à lait, 15 bars",
            "es": "Cafetera espresso con espumador de leche, 15 bar",
            "it": "Macchina per espresso con montalatte, 15 bar",
            "ja": "エスプレッソマシン ミルクフォーマー付き 15気圧",
        },
    ),
    Product(
        ("TOY-PZL-1000", "TOY-PZL-500"),
        12,
        30,
        2,
        {
            "en": "Jigsaw puzzle, landscape",
            "de": "Puzzle, Landschaft",
            "fr": "Puzzle paysage",
            "es": "Puzzle de paisaje",
            "it": "Puzzle paesaggio",
            "ja": "ジグソーパズル 風景",
        },
    ),
    Product(
        ("STA-NB-A5-3",),
        8,
        16,
        2,
        {
            "en": "A5 dotted notebooks, 3-pack",
            "de": "A5-Notizbücher, gepunktet, 3er-Pack",
            "fr": "Carnets A5 pointillés, lot de 3",
            "es": "Cuadernos A5 de puntos, pack de 3",
            "it": "Quaderni A5 a puntini, confezione da 3",
            "ja": "A5 ドット方眼ノート 3冊セット",
        },
    ),
    Product(
        ("ELC-KB-MECH-US", "ELC-KB-MECH-TKL"),
        69,
        219,
        1,
        {
            "en": "Mechanical keyboard, hot-swappable, RGB",
            "de": "Mechanische Tastatur, Hot-Swap, RGB",
            "fr": "Clavier mécanique hot-swap RGB",
            "es": "Teclado mecánico hot-swap RGB",
            "it": "Tastiera meccanica hot-swap RGB",
            "ja": "メカニカルキーボード ホットスワップ対応 RGB",
        },
    ),
)

_EN = LocalePhrases(
    language="en",
    currency_per_usd=1.0,
    whole_prices=False,
    order_prefixes=_words("111, 112, 113, 114"),
    first_names=_words(
        "James, Mary, Robert, Patricia, John, Jennifer, Michael, Linda, David, Elizabeth, "
        "William, Barbara, Maria, Daniel, Jessica, Carlos, Emily, Kevin, Ashley, Brian"
    ),
    last_names=_words(
        "Smith, Johnson, Williams, Brown, Jones, Garcia, Miller, Davis, Rodriguez, Martinez, "
        "Hernandez, Lopez, Wilson, Anderson, Thomas, Taylor, Moore, Jackson, Lee, Nguyen"
    ),
    family_name_first=False,
    reasons=(
        "Order Created by Mistake",
        "Item(s) Would Not Arrive on Time",
        "Shipping Cost Too High",
        "Found Cheaper Somewhere Else",
        "Need to Change Shipping Address",
        "Need to Change Payment Method",
        "Other",
    ),
    subjects={
        "inquiry": "Inquiry from Amazon customer {name} (Order: {order})",
        "delivery": "Order delivery inquiry from Amazon customer {name} (Order: {order})",
        "return": "Return policy inquiry from Amazon customer {name} (Order: {order})",
        "product": "Product details inquiry from Amazon customer {name} (Order: {order})",
        "product_no_order": "Product details inquiry from Amazon customer {name}",
    },
    greetings=(
        "",
        "",
        "Hi,",
        "Hello,",
        "Hi there,",
        "Dear Seller,",
        "Good morning,",
        "Hey,",
        "Hello, I hope you're well.",
    ),
    asks=(
        "I would like to cancel my order.",
        "Please cancel order {order}.",
        "Can you please cancel this order?",
        "can i still cancel this?",
        "I ordered this by mistake. Could you cancel it before it ships?",
        "Please cancel my order {order}, I don't need it anymore.",
        "I need to cancel this order ASAP.",
        "Is it still possible to cancel the order I placed yesterday?",
        "Could you cancel the order and refund me, please?",
        "I want to cancle my order.",
        "plz cancel, ordered the wrong size",
        "I'd like to cancel order {order} if it hasn't shipped yet.",
        "Kindly cancel order number {order}.",
        "Please don't ship this, I want to cancel it.",
        "I changed my mind, please cancel the order.",
        "I tried to cancel on the website but it wouldn't let me. Can you cancel it for me?",
        "CANCEL MY ORDER PLEASE",
        "Would it be possible to cancel order #{order}? Sorry for the hassle.",
        "I no longer want this item, please cancel and refund.",
        "can you cancel {order} thanks",
    ),
    buyer_reasons=(
        "",
        "",
        "",
        "I found it cheaper somewhere else.",
        "It won't arrive in time for the birthday.",
        "I ordered the wrong one.",
        "My husband already bought the same thing.",
        "The delivery date is too late for me.",
        "I used the wrong card.",
        "I put in my old address by mistake.",
        "I accidentally ordered two.",
    ),
    closings=(
        "",
        "",
        "Thanks.",
        "Thank you!",
        "Thanks in advance,\n{name}",
        "Best regards,\n{name}",
        "Sorry for the trouble.",
        "thx",
        "Thank you so much for your help.",
        "{name}",
    ),
    ordinary={
        "delivery": (
            "Hi, when will my order {order} arrive? The tracking page shows nothing yet.",
            "Hello,\nI ordered the {title} three days ago and it still says not shipped. "
            "Can you give me an estimated delivery date?\nThanks",
            "Will this arrive before Friday? It is a gift.",
            "Do you ship with UPS or USPS? I won't be home on Monday.",
        ),
        "product": (
            "Does the {title} come with a warranty?",
            "Hi, what are the exact dimensions of the {title}?",
            "Is this item new or refurbished?",
            "Does the {title} come in other colors?",
        ),
        "address": (
            "Hi, I just moved. Can you send my order to my new address? I have updated it in my account.\n"
            "Thank you",
            "Could you add my apartment number (4B) to the shipping label? I forgot it when I ordered.",
        ),
        "return": (
            "The {title} arrived damaged. How do I return it?",
            "Hello,\nI would like to return the {title}, it is not what I expected. "
            "Can you send me a return label?\nRegards,\n{name}",
            "What is your return policy if it doesn't fit?",
        ),
        "do_not_cancel": (
            "Please do not cancel my order! I know it is taking longer, "
            "but I still want the {title}. I can wait.",
            "I got an email saying my order might be canceled. Please don't cancel it, I still need it.",
        ),
        "cancelled_item": (
            "Why was my order for the {title} canceled? I didn't ask for that. Can I still get it?",
            "Hi, I see the {title} was canceled from my order. Will you have it back in stock soon?",
        ),
        "other_order": (
            "I also placed order {other_order} yesterday. Could you ship both orders together? "
            "No need to cancel anything.",
            "This is about my other order {other_order}, not this one: the item arrived fine, thank you. "
            "Please keep this one as is.",
        ),
        "thanks": (
            "Thank you, the {title} is perfect!",
            "Thanks for the quick shipping, great seller.",
            "Got it today, thanks a lot!\n{name}",
        ),
    },
)

_BRITISH = (
    ("canceled", "cancelled"),
    ("colors", "colours"),
    ("apartment number (4B)", "flat number (4B)"),
    ("UPS or USPS", "Royal Mail or DPD"),
    ("11 oz", "330 ml"),
    ("16 oz", "470 ml"),
)


def _british(text: str) -> str:
    for american, british in _BRITISH:
        text = text.replace(american, british)
    return text


def _british_all(texts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_british(t) for t in texts)


_EN_GB = LocalePhrases(
    language="en",
    currency_per_usd=0.85,
    whole_prices=False,
    order_prefixes=_words("202, 203, 204, 205, 206"),
    first_names=_words(
        "Oliver, Amelia, George, Isla, Harry, Ava, Jack, Emily, Charlie, Sophie, Thomas, Grace, "
        "James, Lily, William, Olivia, Alfie, Chloe"
    ),
    last_names=_words(
        "Smith, Jones, Taylor, Brown, Williams, Wilson, Evans, Thomas, Roberts, Walker, Wright, "
        "Hughes, Edwards, Green, Hall, Wood, Clarke, Patel"
    ),
    family_name_first=False,
    reasons=_EN.reasons,
    subjects=_EN.subjects,
    greetings=_EN.greetings,
    asks=_british_all(_EN.asks),
    buyer_reasons=_british_all(_EN.buyer_reasons),
    closings=_EN.closings,
    ordinary={kind: _british_all(texts) for kind, texts in _EN.ordinary.items()},
)

_DE = LocalePhrases(
    language="de",
    currency_per_usd=0.95,
    whole_prices=False,
    order_prefixes=_words("302, 303, 304, 305, 306"),
    first_names=_words(
        "Lukas, Anna, Leon, Lea, Finn, Hannah, Jonas, Sophie, Paul, Marie, Felix, Laura, "
        "Maximilian, Julia, Tobias, Katharina"
    ),
    last_names=_words(
        "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, "
        "Schäfer, Koch, Bauer, Richter, Klein, Wolf"
    ),
    family_name_first=False,
    reasons=(
        "Bestellung versehentlich aufgegeben",
        "Artikel würde(n) nicht rechtzeitig ankommen",
        "Versandkosten zu hoch",
        "Anderswo günstiger gefunden",
        "Lieferadresse muss geändert werden",
        "Zahlungsart muss geändert werden",
        "Sonstiges",
    ),
    subjects={
        "inquiry": "Anfrage von Amazon-Kunde {name} (Bestellung: {order})",
        "delivery": "Anfrage zur Lieferung von Amazon-Kunde {name} (Bestellung: {order})",
        "return": "Anfrage zu den Rückgabebedingungen von Amazon-Kunde {name} (Bestellung: {order})",
        "product": "Anfrage zu Produktdetails von Amazon-Kunde {name} (Bestellung: {order})",
        "product_no_order": "Anfrage zu Produktdetails von Amazon-Kunde {name}",
    },
    greetings=("", "", "Hallo,", "Guten Tag,", "Sehr geehrte Damen und Herren,", "Hi,", "Moin,"),
    asks=(
        "Ich möchte meine Bestellung stornieren.",
        "Bitte stornieren Sie die Bestellung {order}.",
        "Können Sie die Bestellung bitte stornieren?",
        "kann ich das noch stornieren?",
        "Ich habe versehentlich bestellt, bitte stornieren, bevor es verschickt wird.",
        "Bitte die Bestellung {order} stornieren, ich brauche den Artikel nicht mehr.",
        "Ich muss diese Bestellung dringend stornieren.",
        "Ist eine Stornierung der Bestellung von gestern noch möglich?",
        "Bitte Bestellung stornieren und Geld zurück.",
        "Ich möchte meine Bestelung stonieren.",
        "Bitte nicht versenden, ich möchte stornieren.",
        "Ich habe es mir anders überlegt, bitte stornieren Sie meine Bestellung.",
        "Auf der Webseite konnte ich nicht stornieren. Können Sie das für mich machen?",
        "BITTE BESTELLUNG STORNIEREN",
        "Wäre es möglich, die Bestellung Nr. {order} zu stornieren? Entschuldigung für die Umstände.",
        "Ich trete vom Kauf zurück, bitte die Bestellung stornieren.",
    ),
    buyer_reasons=(
        "",
        "",
        "",
        "Ich habe es woanders günstiger gefunden.",
        "Es kommt nicht rechtzeitig zum Geburtstag an.",
        "Ich habe die falsche Größe bestellt.",
        "Mein Mann hat es schon gekauft.",
        "Die Lieferzeit ist mir zu lang.",
        "Ich habe die falsche Adresse angegeben.",
    ),
    closings=(
        "",
        "",
        "Danke.",
        "Vielen Dank!",
        "Danke im Voraus,\n{name}",
        "Mit freundlichen Grüßen\n{name}",
        "Sorry für die Umstände.",
        "LG",
    ),
    ordinary={
        "delivery": (
            "Hallo, wann kommt meine Bestellung {order} an? Die Sendungsverfolgung zeigt noch nichts.",
            "Guten Tag,\nich habe „{title}“ vor drei Tagen bestellt und es ist noch nicht versandt. "
            "Wann kann ich mit der Lieferung rechnen?\nDanke",
            "Kommt das noch vor Freitag? Es ist ein Geschenk.",
            "Versenden Sie mit DHL oder Hermes? Ich bin am Montag nicht zu Hause.",
        ),
        "product": (
            "Gibt es auf „{title}“ eine Garantie?",
            "Hallo, welche Maße hat „{title}“ genau?",
            "Ist der Artikel neu oder generalüberholt?",
            "Gibt es „{title}“ auch in anderen Farben?",
        ),
        "address": (
            "Hallo, ich bin umgezogen. Können Sie die Bestellung an meine neue Adresse schicken? "
            "Ich habe sie im Konto geändert.\nDanke",
            "Könnten Sie bitte noch „2. OG links“ zur Lieferadresse hinzufügen? Das habe ich vergessen.",
        ),
        "return": (
            "„{title}“ ist beschädigt angekommen. Wie kann ich es zurücksenden?",
            "Guten Tag,\nich möchte „{title}“ zurückgeben, es entspricht nicht meinen Erwartungen. "
            "Können Sie mir ein Rücksendeetikett schicken?\nMit freundlichen Grüßen\n{name}",
            "Wie ist Ihre Rückgaberegelung, falls es nicht passt?",
        ),
        "do_not_cancel": (
            "Bitte stornieren Sie meine Bestellung nicht! Ich weiß, dass es länger dauert, "
            "aber ich möchte „{title}“ trotzdem haben.",
            "Ich habe eine E-Mail bekommen, dass meine Bestellung storniert werden könnte. "
            "Bitte nicht stornieren, ich brauche den Artikel noch.",
        ),
        "cancelled_item": (
            "Warum wurde meine Bestellung von „{title}“ storniert? Das wollte ich nicht. "
            "Kann ich den Artikel noch bekommen?",
            "Hallo, „{title}“ wurde aus meiner Bestellung storniert. Haben Sie es bald wieder auf Lager?",
        ),
        "other_order": (
            "Ich habe gestern auch die Bestellung {other_order} aufgegeben. Können Sie beide zusammen "
            "verschicken? Stornieren müssen Sie nichts.",
            "Es geht um meine andere Bestellung {other_order}, nicht um diese: "
            "Der Artikel ist gut angekommen, "
            "danke. Diese hier bitte ganz normal verschicken.",
        ),
        "thanks": (
            "Danke, „{title}“ ist perfekt!",
            "Vielen Dank für den schnellen Versand, top Verkäufer.",
            "Heute angekommen, vielen Dank!\n{name}",
        ),
    },
)

_FR = LocalePhrases(
    language="fr",
    currency_per_usd=0.95,
    whole_prices=False,
    order_prefixes=_words("402, 403, 404, 405, 407, 408, 171"),
    first_names=_words(
        "Camille, Lucas, Léa, Hugo, Chloé, Louis, Manon, Gabriel, Inès, Jules, Sarah, Nathan, "
        "Emma, Théo, Julie, Antoine"
    ),
    last_names=_words(
        "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon, "
        "Laurent, Lefèvre, Michel, Garcia, Fournier"
    ),
    family_name_first=False,
    reasons=(
        "Commande passée par erreur",
        "Le ou les articles n'arriveraient pas à temps",
        "Frais de livraison trop élevés",
        "Trouvé moins cher ailleurs",
        "Besoin de modifier l'adresse de livraison",
        "Besoin de modifier le mode de paiement",
        "Autre",
    ),
    subjects={
        "inquiry": "Demande de renseignements de la part du client Amazon {name} (Commande : {order})",
        "delivery": "Demande de renseignements sur la livraison de la part du client Amazon {name} "
        "(Commande : {order})",
        "return": "Demande de renseignements sur la politique de retour de la part du client Amazon {name} "
        "(Commande : {order})",
        "product": "Demande de renseignements sur le produit de la part du client Amazon {name} "
        "(Commande : {order})",
        "product_no_order": "Demande de renseignements sur le produit de la part du client Amazon {name}",
    },
    greetings=("", "", "Bonjour,", "Bonjour Madame, Monsieur,", "Salut,", "Bonsoir,"),
    asks=(
        "Je souhaite annuler ma commande.",
        "Merci d'annuler la commande {order}.",
        "Pouvez-vous annuler cette commande s'il vous plaît ?",
        "est-ce que je peux encore annuler ?",
        "J'ai commandé par erreur, pouvez-vous annuler avant l'expédition ?",
        "Veuillez annuler ma commande {order}, je n'en ai plus besoin.",
        "Je dois annuler cette commande au plus vite.",
        "Est-il encore possible d'annuler la commande passée hier ?",
        "Annulez la commande et remboursez-moi svp.",
        "je voudrais anuler ma comande",
        "Ne l'expédiez pas, je veux annuler.",
        "J'ai changé d'avis, merci d'annuler la commande.",
        "Je n'arrive pas à annuler sur le site. Pouvez-vous le faire pour moi ?",
        "ANNULEZ MA COMMANDE SVP",
        "Serait-il possible d'annuler la commande n° {order} ? Désolé pour le dérangement.",
    ),
    buyer_reasons=(
        "",
        "",
        "",
        "Je l'ai trouvé moins cher ailleurs.",
        "Il n'arrivera pas à temps pour l'anniversaire.",
        "Je me suis trompé de taille.",
        "Mon mari l'a déjà acheté.",
        "Le délai de livraison est trop long.",
        "J'ai mis la mauvaise adresse.",
    ),
    closings=(
        "",
        "",
        "Merci.",
        "Merci beaucoup !",
        "Merci d'avance,\n{name}",
        "Cordialement,\n{name}",
        "Désolé pour le dérangement.",
        "Bonne journée",
    ),
    ordinary={
        "delivery": (
            "Bonjour, quand ma commande {order} va-t-elle arriver ? Le suivi n'affiche rien.",
            "Bonjour,\nj'ai commandé « {title} » il y a trois jours et ce n'est toujours pas expédié. "
            "Quelle est la date de livraison prévue ?\nMerci",
            "Est-ce que ça arrivera avant vendredi ? C'est un cadeau.",
            "Vous expédiez avec Colissimo ou Chronopost ? Je ne serai pas là lundi.",
        ),
        "product": (
            "« {title} » a-t-il une garantie ?",
            "Bonjour, quelles sont les dimensions exactes de « {title} » ?",
            "L'article est-il neuf ou reconditionné ?",
            "« {title} » existe-t-il dans d'autres couleurs ?",
        ),
        "address": (
            "Bonjour, je viens de déménager. Pouvez-vous envoyer ma commande à ma nouvelle adresse ? "
            "Je l'ai mise à jour dans mon compte.\nMerci",
            "Pourriez-vous ajouter « Bâtiment B, 3e étage » à l'adresse de livraison ? Je l'ai oublié.",
        ),
        "return": (
            "« {title} » est arrivé abîmé. Comment le retourner ?",
            "Bonjour,\nje souhaite retourner « {title} », il ne correspond pas à mes attentes. "
            "Pouvez-vous m'envoyer une étiquette de retour ?\nCordialement,\n{name}",
            "Quelle est votre politique de retour si ça ne convient pas ?",
        ),
        "do_not_cancel": (
            "Surtout n'annulez pas ma commande ! Je sais que c'est plus long, "
            "mais je veux toujours « {title} ».",
            "J'ai reçu un e-mail disant que ma commande pourrait être annulée. Merci de ne pas l'annuler, "
            "j'en ai encore besoin.",
        ),
        "cancelled_item": (
            "Pourquoi ma commande de « {title} » a-t-elle été annulée ? Je n'ai rien demandé. "
            "Puis-je encore l'obtenir ?",
            "Bonjour, « {title} » a été annulé de ma commande. Sera-t-il bientôt de nouveau en stock ?",
        ),
        "other_order": (
            "J'ai aussi passé la commande {other_order} hier. Pouvez-vous expédier les deux ensemble ? "
            "Pas besoin d'annuler quoi que ce soit.",
            "C'est au sujet de mon autre commande {other_order}, pas celle-ci : l'article est bien arrivé, "
            "merci. Gardez celle-ci telle quelle.",
        ),
        "thanks": (
            "Merci, « {title} » est parfait !",
            "Merci pour l'envoi rapide, vendeur au top.",
            "Reçu aujourd'hui, merci beaucoup !\n{name}",
        ),
    },
)

_ES = LocalePhrases(
    language="es",
    currency_per_usd=0.95,
    whole_prices=False,
    order_prefixes=_words("402, 403, 404, 405, 407, 408, 171"),
    first_names=_words(
        "Lucía, Hugo, Martina, Pablo, María, Daniel, Paula, Alejandro, Sofía, Javier, Carmen, "
        "David, Laura, Sergio, Elena, Álvaro"
    ),
    last_names=_words(
        "García, Rodríguez, González, Fernández, López, Martínez, Sánchez, Pérez, Gómez, "
        "Martín, Jiménez, Ruiz, Hernández, Díaz, Moreno, Álvarez"
    ),
    family_name_first=False,
    reasons=(
        "Pedido realizado por error",
        "El producto no llegaría a tiempo",
        "Gastos de envío demasiado altos",
        "Encontrado más barato en otro sitio",
        "Es necesario cambiar la dirección de envío",
        "Es necesario cambiar el método de pago",
        "Otro",
    ),
    subjects={
        "inquiry": "Consulta del cliente de Amazon {name} (Pedido: {order})",
        "delivery": "Consulta sobre la entrega del cliente de Amazon {name} (Pedido: {order})",
        "return": "Consulta sobre la política de devoluciones del cliente de Amazon {name} (Pedido: {order})",
        "product": "Consulta sobre los detalles del producto del cliente de Amazon {name} (Pedido: {order})",
        "product_no_order": "Consulta sobre los detalles del producto del cliente de Amazon {name}",
    },
    greetings=("", "", "Hola,", "Buenos días,", "Estimado vendedor:", "Buenas,"),
    asks=(
        "Quiero cancelar mi pedido.",
        "Por favor, cancelen el pedido {order}.",
        "¿Pueden cancelar este pedido, por favor?",
        "¿todavía puedo cancelarlo?",
        "Hice el pedido por error, ¿pueden cancelarlo antes del envío?",
        "Cancelen mi pedido {order}, por favor, ya no lo necesito.",
        "Necesito cancelar este pedido lo antes posible.",
        "¿Es posible cancelar el pedido que hice ayer?",
        "Cancelen el pedido y devuélvanme el dinero, por favor.",
        "quiero cancelar mi pedio porfa",
        "No lo envíen, quiero cancelarlo.",
        "He cambiado de opinión, por favor cancelen el pedido.",
        "No me deja cancelarlo en la web. ¿Pueden hacerlo ustedes?",
        "CANCELEN MI PEDIDO POR FAVOR",
        "¿Sería posible anular el pedido n.º {order}? Perdón por las molestias.",
    ),
    buyer_reasons=(
        "",
        "",
        "",
        "Lo he encontrado más barato en otro sitio.",
        "No llegará a tiempo para el cumpleaños.",
        "Me equivoqué de talla.",
        "Mi marido ya lo compró.",
        "El plazo de entrega es demasiado largo.",
        "Puse la dirección equivocada.",
    ),
    closings=(
        "",
        "",
        "Gracias.",
        "¡Muchas gracias!",
        "Gracias de antemano,\n{name}",
        "Un saludo,\n{name}",
        "Perdón por las molestias.",
        "Saludos",
    ),
    ordinary={
        "delivery": (
            "Hola, ¿cuándo llegará mi pedido {order}? El seguimiento no muestra nada.",
            "Buenos días:\npedí «{title}» hace tres días y todavía no se ha enviado. "
            "¿Cuál es la fecha de entrega prevista?\nGracias",
            "¿Llegará antes del viernes? Es un regalo.",
            "¿Envían con Correos o con SEUR? El lunes no estaré en casa.",
        ),
        "product": (
            "¿«{title}» tiene garantía?",
            "Hola, ¿cuáles son las medidas exactas de «{title}»?",
            "¿El artículo es nuevo o reacondicionado?",
            "¿«{title}» está disponible en otros colores?",
        ),
        "address": (
            "Hola, me acabo de mudar. ¿Pueden enviar mi pedido a la nueva dirección? "
            "Ya la he actualizado en mi cuenta.\nGracias",
            "¿Podrían añadir «3.º B» a la dirección de envío? Se me olvidó.",
        ),
        "return": (
            "«{title}» llegó dañado. ¿Cómo lo devuelvo?",
            "Buenos días:\nquiero devolver «{title}», no es lo que esperaba. "
            "¿Me pueden enviar una etiqueta de devolución?\nUn saludo,\n{name}",
            "¿Cuál es su política de devoluciones si no me sirve?",
        ),
        "do_not_cancel": (
            "¡Por favor, no cancelen mi pedido! Sé que tarda más, pero sigo queriendo «{title}».",
            "Me ha llegado un correo diciendo que mi pedido podría cancelarse. Por favor, no lo cancelen, "
            "todavía lo necesito.",
        ),
        "cancelled_item": (
            "¿Por qué se canceló mi pedido de «{title}»? Yo no lo pedí. ¿Todavía puedo conseguirlo?",
            "Hola, «{title}» se canceló de mi pedido. ¿Volverán a tenerlo en stock pronto?",
        ),
        "other_order": (
            "Ayer también hice el pedido {other_order}. ¿Pueden enviar los dos juntos? "
            "No hace falta cancelar nada.",
            "Es sobre mi otro pedido {other_order}, no este: el artículo llegó bien, gracias. "
            "Este déjenlo tal cual.",
        ),
        "thanks": (
            "¡Gracias, «{title}» es perfecto!",
            "Gracias por el envío rápido, gran vendedor.",
            "Me ha llegado hoy, ¡muchas gracias!\n{name}",
        ),
    },
)

_IT = LocalePhrases(
    language="it",
    currency_per_usd=0.95,
    whole_prices=False,
    order_prefixes=_words("402, 403, 404, 405, 407, 408, 171"),
    first_names=_words(
        "Giulia, Francesco, Sofia, Alessandro, Aurora, Lorenzo, Chiara, Matteo, Giorgia, "
        "Andrea, Martina, Marco, Federica, Luca, Elena, Davide"
    ),
    last_names=_words(
        "Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, "
        "Bruno, Gallo, Conti, De Luca, Costa, Giordano"
    ),
    family_name_first=False,
    reasons=(
        "Ordine effettuato per errore",
        "Gli articoli non arriverebbero in tempo",
        "Costi di spedizione troppo alti",
        "Trovato a un prezzo più basso altrove",
        "Necessità di cambiare l'indirizzo di spedizione",
        "Necessità di cambiare il metodo di pagamento",
        "Altro",
    ),
    subjects={
        "inquiry": "Richiesta dal cliente Amazon {name} (Ordine: {order})",
        "delivery": "Richiesta sulla consegna dal cliente Amazon {name} (Ordine: {order})",
        "return": "Richiesta sulle condizioni di reso dal cliente Amazon {name} (Ordine: {order})",
        "product": "Richiesta di dettagli sul prodotto dal cliente Amazon {name} (Ordine: {order})",
        "product_no_order": "Richiesta di dettagli sul prodotto dal cliente Amazon {name}",
    },
    greetings=("", "", "Salve,", "Buongiorno,", "Gentile venditore,", "Ciao,"),
    asks=(
        "Vorrei annullare il mio ordine.",
        "Per favore annullate l'ordine {order}.",
        "Potete annullare questo ordine, per favore?",
        "posso ancora annullarlo?",
        "Ho ordinato per errore, potete annullarlo prima della spedizione?",
        "Annullate il mio ordine {order}, per favore, non mi serve più.",
        "Devo annullare questo ordine il prima possibile.",
        "È ancora possibile annullare l'ordine fatto ieri?",
        "Annullate l'ordine e rimborsatemi, grazie.",
        "vorrei anullare l'ordne",
        "Non spedite, voglio annullare.",
        "Ho cambiato idea, per favore annullate l'ordine.",
        "Dal sito non riesco ad annullare. Potete farlo voi?",
        "ANNULLATE IL MIO ORDINE PER FAVORE",
        "Sarebbe possibile cancellare l'ordine n. {order}? Scusate il disturbo.",
    ),
    buyer_reasons=(
        "",
        "",
        "",
        "L'ho trovato a meno altrove.",
        "Non arriverà in tempo per il compleanno.",
        "Ho sbagliato taglia.",
        "Mio marito l'ha già comprato.",
        "I tempi di consegna sono troppo lunghi.",
        "Ho inserito l'indirizzo sbagliato.",
    ),
    closings=(
        "",
        "",
        "Grazie.",
        "Grazie mille!",
        "Grazie in anticipo,\n{name}",
        "Cordiali saluti,\n{name}",
        "Scusate il disturbo.",
        "Saluti",
    ),
    ordinary={
        "delivery": (
            "Salve, quando arriverà il mio ordine {order}? Il tracciamento non mostra nulla.",
            "Buongiorno,\nho ordinato «{title}» tre giorni fa e non è ancora stato spedito. "
            "Qual è la data di consegna prevista?\nGrazie",
            "Arriverà prima di venerdì? È un regalo.",
            "Spedite con BRT o Poste Italiane? Lunedì non sarò a casa.",
        ),
        "product": (
            "«{title}» ha la garanzia?",
            "Salve, quali sono le dimensioni esatte di «{title}»?",
            "L'articolo è nuovo o ricondizionato?",
            "«{title}» è disponibile in altri colori?",
        ),
        "address": (
            "Salve, mi sono appena trasferito. Potete spedire l'ordine al nuovo indirizzo? "
            "L'ho aggiornato nel mio account.\nGrazie",
            "Potreste aggiungere «scala B, interno 5» all'indirizzo di spedizione? L'avevo dimenticato.",
        ),
        "return": (
            "«{title}» è arrivato danneggiato. Come posso restituirlo?",
            "Buongiorno,\nvorrei restituire «{title}», non è come me lo aspettavo. "
            "Potete inviarmi un'etichetta di reso?\nCordiali saluti,\n{name}",
            "Qual è la vostra politica di reso se non va bene?",
        ),
        "do_not_cancel": (
            "Per favore non annullate il mio ordine! So che ci vuole di più, ma voglio comunque «{title}».",
            "Ho ricevuto un'e-mail che dice che il mio ordine potrebbe essere annullato. "
            "Per favore non annullatelo, mi serve ancora.",
        ),
        "cancelled_item": (
            "Perché il mio ordine di «{title}» è stato annullato? Non l'ho chiesto io. Posso ancora averlo?",
            "Salve, «{title}» è stato annullato dal mio ordine. Tornerà presto disponibile?",
        ),
        "other_order": (
            "Ieri ho fatto anche l'ordine {other_order}. Potete spedirli insieme? "
            "Non serve annullare niente.",
            "Riguarda l'altro mio ordine {other_order}, non questo: l'articolo è arrivato bene, grazie. "
            "Questo lasciatelo così.",
        ),
        "thanks": (
            "Grazie, «{title}» è perfetto!",
            "Grazie per la spedizione veloce, ottimo venditore.",
            "Arrivato oggi, grazie mille!\n{name}",
        ),
    },
)

_JA = LocalePhrases(
    language="ja",
    currency_per_usd=150.0,
    whole_prices=True,
    order_prefixes=_words("249, 250, 503"),
    first_names=_words("太郎, 花子, 翔, 美咲, 健太, 陽菜, 大輔, さくら, 拓也, 由美"),
    last_names=_words("佐藤, 鈴木, 高橋, 田中, 伊藤, 渡辺, 山本, 中村, 小林, 加藤"),
    family_name_first=True,
    reasons=(
        "誤って注文した",
        "予定日までに届かない",
        "配送料が高すぎる",
        "他店でより安い商品を見つけた",
        "お届け先住所を変更する必要がある",
        "支払い方法を変更する必要がある",
        "その他",
    ),
    subjects={
        "inquiry": "Amazonのお客様 {name} 様からのお問い合わせ (注文番号: {order})",
        "delivery": "配送に関するお問い合わせ: Amazonのお客様 {name} 様 (注文番号: {order})",
        "return": "返品に関するお問い合わせ: Amazonのお客様 {name} 様 (注文番号: {order})",
        "product": "商品詳細に関するお問い合わせ: Amazonのお客様 {name} 様 (注文番号: {order})",
        "product_no_order": "商品詳細に関するお問い合わせ: Amazonのお客様 {name} 様",
    },
    greetings=("", "", "お世話になっております。", "こんにちは。", "失礼いたします。", "すみません、"),
    asks=(
        "注文をキャンセルしたいです。",
        "注文番号{order}をキャンセルしてください。",
        "この注文をキャンセルしていただけますか？",
        "まだキャンセルできますか？",
        "間違えて注文してしまいました。発送前にキャンセルをお願いします。",
        "注文{order}のキャンセルをお願いいたします。もう必要なくなりました。",
        "至急この注文をキャンセルしてください。",
        "昨日の注文はまだキャンセル可能でしょうか？",
        "キャンセルして返金してください。",
        "キャンセルおねがいします",
        "発送しないでください。キャンセルします。",
        "気が変わったので注文を取り消してください。",
        "サイトからキャンセルできませんでした。そちらでキャンセルしていただけますか？",
        "注文番号 {order} を取り消していただくことは可能でしょうか。お手数をおかけします。",
    ),
    buyer_reasons=(
        "",
        "",
        "",
        "他のお店で安く見つけました。",
        "誕生日に間に合わないので。",
        "サイズを間違えました。",
        "家族がすでに購入していました。",
        "お届けまで時間がかかりすぎるため。",
        "住所を間違えて入力しました。",
    ),
    closings=(
        "",
        "",
        "よろしくお願いします。",
        "よろしくお願いいたします。\n{name}",
        "ありがとうございます。",
        "お手数ですがよろしくお願いします。",
    ),
    ordinary={
        "delivery": (
            "注文{order}はいつ届きますか？追跡情報がまだ表示されません。",
            "こんにちは。\n3日前に「{title}」を注文しましたが、まだ発送されていません。"
            "お届け予定日を教えてください。\nよろしくお願いします。",
            "金曜日までに届きますか？プレゼント用です。",
            "配送業者はヤマト運輸ですか、佐川急便ですか？月曜日は不在です。",
        ),
        "product": (
            "「{title}」に保証は付いていますか？",
            "「{title}」の正確なサイズを教えてください。",
            "この商品は新品ですか、それとも再生品ですか？",
            "「{title}」は他の色もありますか？",
        ),
        "address": (
            "引っ越したので、新しい住所に送っていただけますか？アカウントの住所は更新済みです。\n"
            "よろしくお願いします。",
            "お届け先に部屋番号「302」を追加していただけますか？入力し忘れました。",
        ),
        "return": (
            "「{title}」が破損して届きました。返品方法を教えてください。",
            "お世話になっております。\n「{title}」を返品したいです。イメージと違いました。"
            "返品ラベルを送っていただけますか？\n{name}",
            "サイズが合わなかった場合の返品ポリシーを教えてください。",
        ),
        "do_not_cancel": (
            "注文はキャンセルしないでください！時間がかかっても「{title}」が欲しいです。",
            "注文がキャンセルされるかもしれないというメールが届きました。キャンセルしないでください。まだ必要です。",
        ),
        "cancelled_item": (
            "「{title}」の注文がキャンセルされたのはなぜですか？私は依頼していません。まだ購入できますか？",
            "「{title}」が注文からキャンセルされていました。再入荷の予定はありますか？",
        ),
        "other_order": (
            "昨日、別の注文{other_order}もしました。まとめて発送していただけますか？キャンセルは不要です。",
            "こちらではなく、別の注文{other_order}についてです。商品は無事に届きました。"
            "こちらの注文はそのままでお願いします。",
        ),
        "thanks": (
            "ありがとうございます。「{title}」、とても気に入りました！",
            "迅速な発送ありがとうございました。",
            "本日受け取りました。ありがとうございました！\n{name}",
        ),
    },
    word_separator="",
)

PHRASES: dict[str, LocalePhrases] = {
    "en_US": _EN,
    "en_GB": _EN_GB,
    "de_DE": _DE,
    "fr_FR": _FR,
    "es_ES": _ES,
    "it_IT": _IT,
    "ja_JP": _JA,
}


def product_title(product: Product, locale: str) -> str:
    """The product's title as the locale's marketplace lists it (British sizes and spelling for en_GB)."""
    title = product.titles[PHRASES[locale].language]
    return _british(title) if locale == "en_GB" else title
