package dev.hostdev.launcher.cli;

import java.io.StringWriter;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A thin indenting wrapper over {@link XMLStreamWriter} (which escapes names and text) for the XML
 * {@code show} prints: two spaces per level, one element per line, as virsh prints it.
 */
final class ShowXmlWriter {
    private final StringWriter out = new StringWriter();
    private final XMLStreamWriter xml;
    private int depth;
    private boolean hasText;

    ShowXmlWriter() {
        try {
            xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens {@code <name attr='value' …>}; attributes come as name, value pairs. */
    ShowXmlWriter open(String name, String... attributes) {
        try {
            indent();
            xml.writeStartElement(name);
            attributes(attributes);
            depth++;
            hasText = false;
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Closes the innermost element. */
    ShowXmlWriter close() {
        try {
            depth--;
            if (!hasText) {
                indent();
            }
            xml.writeEndElement();
            hasText = false;
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** {@code <name attr='value'>text</name>} on one line. */
    ShowXmlWriter text(String name, String text, String... attributes) {
        try {
            indent();
            xml.writeStartElement(name);
            attributes(attributes);
            xml.writeCharacters(text);
            xml.writeEndElement();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** {@code <name attr='value'/>}. */
    ShowXmlWriter empty(String name, String... attributes) {
        try {
            indent();
            xml.writeEmptyElement(name);
            attributes(attributes);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** The document, ending with a newline. */
    String finish() {
        try {
            xml.flush();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return out.toString().stripLeading() + "\n";
    }

    private void attributes(String[] attributes) throws XMLStreamException {
        for (int i = 0; i + 1 < attributes.length; i += 2) {
            xml.writeAttribute(attributes[i], attributes[i + 1]);
        }
    }

    private void indent() throws XMLStreamException {
        xml.writeCharacters("\n" + "  ".repeat(depth));
    }
}
